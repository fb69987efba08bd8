import LlamaGrammar
import LlamaTokenizer

/// Reads tool calls out of a model's reply, in any ``ToolCallFormat``: `<tool_call>` blocks,
/// `[TOOL_CALLS]` (a JSON list, or Mistral's newer `name[ARGS]{...}`), `<|python_tag|>`, or the
/// whole reply as JSON (a call, a list of calls, or `{"tool_calls": [...]}`). A call is an object
/// with the name of one of the tools and its arguments object (`arguments` or `parameters`, or
/// both inside `function`); a reply that is not made of such calls is text.
public struct ToolCallParser: Sendable {
    /// The texts that start the calls of a reply.
    static let markers = ["<tool_call>", "[TOOL_CALLS]", "<|python_tag|>"]

    /// The tools the model was given: a call must name one of them.
    public let tools: [ToolDefinition]

    /// A parser of calls of `tools`.
    public init(tools: [ToolDefinition]) {
        self.tools = tools
    }

    /// The text and the calls of `text`; when the calls do not parse, all of it is text.
    public func parse(_ text: String) -> ChatReply {
        let asText = ChatReply(content: text, toolCalls: [])
        guard let (marker, range) = Self.firstMarker(in: text[...]) else {
            return calls(inJSON: text[...]).map { ChatReply(content: "", toolCalls: $0) } ?? asText
        }
        let content = String(text[..<range.lowerBound])
        let rest = text[range.upperBound...]
        let found: [ToolCall]?
        switch marker {
        case "<tool_call>": found = blockCalls(text[range.lowerBound...])
        case "[TOOL_CALLS]": found = mistralCalls(rest)
        default: found = calls(inJSON: rest)
        }
        guard let found, !found.isEmpty else { return asText }
        return ChatReply(content: content, toolCalls: found)
    }

    /// The earliest marker in `text` and where it is.
    static func firstMarker(in text: Substring) -> (String, Range<String.Index>)? {
        markers.compactMap { marker in text.range(of: marker).map { (marker, $0) } }.min { $0.1.lowerBound < $1.1.lowerBound }
    }

    /// `<tool_call>{...}</tool_call>` blocks (the last may be unclosed), with only whitespace between.
    private func blockCalls(_ text: Substring) -> [ToolCall]? {
        var calls: [ToolCall] = []
        var rest = text
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.isEmpty { return calls }
            guard rest.hasPrefix("<tool_call>") else { return nil }
            let body = rest.dropFirst("<tool_call>".count)
            let close = body.range(of: "</tool_call>")
            guard let found = self.calls(inJSON: close.map { body[..<$0.lowerBound] } ?? body) else { return nil }
            calls += found
            rest = close.map { body[$0.upperBound...] } ?? ""
        }
    }

    /// After `[TOOL_CALLS]`: a JSON list of calls, or `name[ARGS]{...}` calls each after its own marker.
    private func mistralCalls(_ text: Substring) -> [ToolCall]? {
        guard text.contains("[ARGS]") else { return calls(inJSON: text) }
        var calls: [ToolCall] = []
        for part in text.split(separator: "[TOOL_CALLS]", omittingEmptySubsequences: false) {
            guard let args = part.range(of: "[ARGS]") else { return nil }
            let name = part[..<args.lowerBound].trimmingWhitespace
            guard let call = call(name: String(name), arguments: try? JSONValue(parsing: String(part[args.upperBound...]))) else { return nil }
            calls.append(call)
        }
        return calls
    }

    /// The calls `text` holds as JSON: a call, a list of calls, `{"tool_calls": [...]}` or
    /// `{"tool_call": {...}}`; `nil` when it is anything else.
    func calls(inJSON text: Substring) -> [ToolCall]? {
        let trimmed = text.trimmingWhitespace
        guard trimmed.first == "{" || trimmed.first == "[", let value = try? JSONValue(parsing: String(trimmed)) else { return nil }
        let items: [JSONValue]
        switch value {
        case .array(let list): items = list
        case .object:
            if case .array(let list)? = value["tool_calls"] { items = list }
            else if let one = value["tool_call"] { items = [one] }
            else { items = [value] }
        default: return nil
        }
        var calls: [ToolCall] = []
        for item in items {
            let function = item["function"].flatMap { $0["name"] == nil ? nil : $0 } ?? item
            guard case .string(let name)? = function["name"],
                  let call = call(name: name, arguments: function["arguments"] ?? function["parameters"] ?? .object([]))
            else { return nil }
            calls.append(call)
        }
        return calls.isEmpty ? nil : calls
    }

    /// A call of the tool `name` with `arguments` (an object, or a string holding one's JSON).
    private func call(name: String, arguments: JSONValue?) -> ToolCall? {
        guard tools.contains(where: { $0.name == name }) else { return nil }
        var arguments = arguments
        if case .string(let text)? = arguments { arguments = try? JSONValue(parsing: text) }
        guard let arguments, case .object = arguments else { return nil }
        return ToolCall(id: Self.newID(), name: name, arguments: arguments.serialized)
    }

    /// A fresh call id: nine letters and digits, the form Mistral's templates require.
    static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<9).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

extension Substring {
    /// The text without leading and trailing whitespace.
    var trimmingWhitespace: Substring {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return self[start...end]
    }
}
