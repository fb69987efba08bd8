import LlamaGrammar
import LlamaTokenizer

/// How a model writes tool calls, read off its chat template. Every format's calls are JSON
/// objects holding the function's name and its arguments; the formats differ in the markers
/// around them and the arguments key.
public enum ToolCallFormat: String, Sendable, CaseIterable {
    /// LLaMA 3.1 and later: `{"name": ..., "parameters": {...}}`, maybe after `<|python_tag|>`.
    case llama3
    /// Hermes and Qwen: `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`, one block per call.
    case hermes
    /// Mistral: `[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]`.
    case mistral
    /// Anything else: `{"name": ..., "arguments": {...}}` as the whole reply, which
    /// ``ToolInstructions`` asks for where the template does not read `tools`.
    case generic

    /// The format a chat template's model writes: told by the markers the template writes;
    /// ``generic`` when it has none of them (or there is no template).
    public init(template: ChatTemplate?) {
        guard let source = template?.source, template?.readsTools == true else {
            self = .generic
            return
        }
        if source.contains("<tool_call>") {
            self = .hermes
        } else if source.contains("[TOOL_CALLS]") {
            self = .mistral
        } else if source.contains("<|python_tag|>") || source.contains("<|start_header_id|>") {
            self = .llama3
        } else {
            self = .generic
        }
    }

    /// The key of a call's arguments object.
    public var argumentsKey: String { self == .llama3 ? "parameters" : "arguments" }

    /// The constraint that makes the reply one call, for `choice` ``ToolChoice/required`` (a call
    /// of any of `tools`) or ``ToolChoice/function(_:)`` (a call of that function); `nil` for the
    /// other choices. The reply is the format's JSON without its markers (for Mistral a list of
    /// one call), which the parser reads as well. One call keeps the reply bounded: a list open
    /// to more lets a model go on adding calls.
    ///
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` naming `tool_choice` when
    ///   the function is not among `tools` or there are no tools, or the tool whose parameters are
    ///   not a JSON Schema the grammar can enforce.
    public func constraint(tools: [ToolDefinition], choice: ToolChoice) throws(LlamaError) -> OutputConstraint? {
        let chosen: [ToolDefinition]
        switch choice {
        case .auto, .none: return nil
        case .required:
            guard !tools.isEmpty else { throw .invalidParameter(name: "tool_choice", value: "required", reason: "no tools are given") }
            chosen = tools
        case .function(let name):
            guard let tool = tools.first(where: { $0.name == name }) else {
                throw .invalidParameter(name: "tool_choice", value: name, reason: "no tool of this name is given")
            }
            chosen = [tool]
        }
        var calls: [JSONValue] = []
        for (index, tool) in chosen.enumerated() {
            let parameters: JSONValue
            do { parameters = try JSONValue(parsing: tool.parameters) } catch {
                throw .invalidParameter(name: "tools[\(index)].function.parameters", value: tool.name, reason: "\(error)")
            }
            calls.append(.object([
                .init(key: "type", value: .string("object")),
                .init(key: "properties", value: .object([
                    .init(key: "name", value: .object([.init(key: "const", value: .string(tool.name))])),
                    .init(key: argumentsKey, value: parameters),
                ])),
                .init(key: "required", value: .array([.string("name"), .string(argumentsKey)])),
                .init(key: "additionalProperties", value: .bool(false)),
            ]))
        }
        let call: JSONValue = calls.count == 1 ? calls[0] : .object([.init(key: "anyOf", value: .array(calls))])
        let schema: JSONValue = self == .mistral
            ? .object([
                .init(key: "type", value: .string("array")), .init(key: "items", value: call),
                .init(key: "minItems", value: .number(1)), .init(key: "maxItems", value: .number(1)),
            ])
            : call
        let constraint = OutputConstraint.jsonSchema(schema.serialized)
        do { try constraint.validate() } catch {
            let reason = if case .invalidParameter(_, _, let reason) = error { reason } else { "\(error)" }
            throw .invalidParameter(name: "tools", value: chosen.map(\.name).joined(separator: ", "), reason: reason)
        }
        return constraint
    }
}
