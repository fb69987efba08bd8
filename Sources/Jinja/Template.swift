/// A compiled Jinja template: parse once, render many times.
///
/// The dialect is Python jinja2's as Hugging Face transformers configures it for chat templates:
/// an immutable sandbox (only the values passed in are reachable, and none can be changed in
/// place), `trim_blocks` and `lstrip_blocks` on, the loop controls `break` and `continue`, the
/// `{% generation %}` tag, and the globals `raise_exception(message)` and `strftime_now(format)`.
/// Values print as Python prints them, and the `tojson` filter writes what Python's `json.dumps`
/// writes with `ensure_ascii=False`.
///
/// ```swift
/// let template = try Template("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}")
/// let text = try template.render(["messages": [["role": "user", "content": "Hi"]]])
/// ```
public struct Template: Sendable {
    let nodes: [Node]

    /// Compiles `source`. Throws ``JinjaError/syntax(message:line:column:)`` naming where it
    /// fails to parse, or ``JinjaError/limit(_:)`` when it nests deeper than
    /// `limits.maxNestingDepth`.
    public init(_ source: String, limits: Limits = .init()) throws(JinjaError) {
        var parser = try Parser(source: source, maxDepth: limits.maxNestingDepth)
        nodes = try parser.parseTemplate()
    }

    /// Renders the template with `context` as its variables.
    ///
    /// - Parameters:
    ///   - context: the template's variables (for a chat template: `messages`,
    ///     `add_generation_prompt`, `bos_token`, `eos_token`, `tools`...).
    ///   - limits: bounds on output size, loop iterations and call depth.
    ///   - now: the time `strftime_now` formats; by default the local time when called.
    /// - Returns: the rendered text.
    /// - Throws: ``JinjaError/raised(_:)`` with the template's message when it calls
    ///   `raise_exception`, ``JinjaError/limit(_:)`` past a limit, or another ``JinjaError``
    ///   where jinja2 would raise.
    public func render(_ context: [String: Value], limits: Limits = .init(), now: DateTime = .now()) throws(JinjaError) -> String {
        let renderer = Renderer(context: context, limits: limits, now: now)
        return try renderer.renderTemplate(nodes)
    }
}
