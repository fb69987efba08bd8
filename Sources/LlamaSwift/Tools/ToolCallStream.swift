/// Splits a streamed reply into text that can be shown at once and tool calls, which are
/// returned whole at the end: text is passed on until a call marker appears (text that may be
/// the start of one is held back), and a reply that starts as JSON is held to the end, when
/// ``ToolCallParser`` tells whether it is a call.
public struct ToolCallStream: Sendable {
    private let parser: ToolCallParser
    private var all = ""
    private var pending = ""
    private var capturing = false

    /// A stream of a reply that may call `parser`'s tools.
    public init(parser: ToolCallParser) {
        self.parser = parser
    }

    /// Takes the next piece of the reply; returns the text that can be shown now.
    public mutating func append(_ piece: String) -> String {
        all += piece
        pending += piece
        if capturing { return "" }
        // Before the first visible character nothing is decided.
        guard let first = all.first(where: { !$0.isWhitespace }) else { return "" }
        if all.count == pending.count && (first == "{" || first == "[") {
            capturing = true
            return ""
        }
        if let (_, range) = ToolCallParser.firstMarker(in: pending[...]) {
            let shown = String(pending[..<range.lowerBound])
            pending = String(pending[range.lowerBound...])
            capturing = true
            return shown
        }
        let held = ToolCallParser.markers.map { marker in
            (1..<marker.count).reversed().first { pending.hasSuffix(marker.prefix($0)) } ?? 0
        }.max() ?? 0
        let shown = String(pending.dropLast(held))
        pending = String(pending.suffix(held))
        return shown
    }

    /// Ends the reply: the text not shown yet and the calls (none when what was held back does
    /// not parse as calls, which is then text).
    public mutating func finish() -> ChatReply {
        defer { pending = "" }
        if capturing {
            let reply = parser.parse(all)
            if !reply.toolCalls.isEmpty { return ChatReply(content: "", toolCalls: reply.toolCalls) }
        }
        return ChatReply(content: pending, toolCalls: [])
    }
}
