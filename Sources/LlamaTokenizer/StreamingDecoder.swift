/// Turns generated tokens into text as they arrive, holding back the bytes of a character
/// that a token splits until the rest arrives, so that no emitted text contains a broken
/// character.
///
/// ```swift
/// var stream = StreamingDecoder(tokenizer: tokenizer)
/// for token in generated { print(stream.append(token), terminator: "") }
/// print(stream.flush())
/// ```
///
/// The stream decodes a continuation: unlike ``LlamaTokenizer/decode(_:renderSpecial:)`` it
/// never drops a leading space.
public struct StreamingDecoder: Sendable {
    private let tokenizer: LlamaTokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    /// A decoder for tokens of `tokenizer`; control tokens render as nothing unless `renderSpecial`.
    public init(tokenizer: LlamaTokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token and returns the text that is now complete (possibly empty).
    public mutating func append(_ token: Int) -> String {
        pending.append(contentsOf: tokenizer.piece(for: token, renderSpecial: renderSpecial))
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is held back; an unfinished character becomes U+FFFD.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of `bytes` without a trailing sequence that is the valid beginning of an
    /// unfinished character. Anything else, invalid bytes included, counts as complete.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // A character is at most 4 bytes, so an unfinished one starts in the last 3.
        var start = count - 1
        while start >= max(0, count - 3) {
            let byte = bytes[start]
            if byte & 0xC0 != 0x80 {  // not a continuation byte: a lead byte or ASCII
                let needed = byte >= 0xF0 && byte < 0xF8 ? 4 : byte >= 0xE0 && byte < 0xF0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 1
                return count - start < needed ? start : count
            }
            start -= 1
        }
        return count
    }
}
