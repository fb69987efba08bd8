/// Why a template could not be compiled or rendered.
public enum JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template does not parse; `line` and `column` (both from 1, the column counted in
    /// characters) point at the offending token.
    case syntax(message: String, line: Int, column: Int)
    /// The template called `raise_exception(message)`; `message` is the template's own text.
    case raised(String)
    /// A use of an undefined value that jinja2 refuses (an attribute of it, arithmetic, calling it).
    case undefined(String)
    /// An operation on values of the wrong types, as Python's `TypeError` or `ValueError`.
    case type(String)
    /// Something the sandbox forbids, such as changing a list in place.
    case sandbox(String)
    /// A ``Limits`` bound was reached: output size, loop iterations, nesting or recursion depth.
    case limit(String)
    /// Another failure at render time: an unknown filter or test, wrong arguments.
    case runtime(String)

    public var description: String {
        switch self {
        case .syntax(let message, let line, let column): return "template syntax error at line \(line), column \(column): \(message)"
        case .raised(let message): return message
        case .undefined(let message): return "undefined value: \(message)"
        case .type(let message): return "type error: \(message)"
        case .sandbox(let message): return "sandbox: \(message)"
        case .limit(let message): return "template limit reached: \(message)"
        case .runtime(let message): return "template error: \(message)"
        }
    }
}
