extension LlamaTokenizer {
    /// The bytes `token` renders as: normal text with SentencePiece `▁` as a space and BPE byte
    /// characters mapped back, `<0xNN>` tokens as their byte, user-defined tokens as their text.
    /// Control and unknown tokens render as nothing unless `renderSpecial` is true, then as
    /// their text. Unused tokens and ids outside the vocabulary render as nothing.
    ///
    /// One token may hold part of a multi-byte character; use ``StreamingDecoder`` to turn a
    /// stream of tokens into text.
    public func piece(for token: Int, renderSpecial: Bool = false) -> [UInt8] {
        pieceRange(token, renderSpecial: renderSpecial).map { Array(pieceBytes[$0]) } ?? []
    }

    /// The bytes of a token sequence; see ``decode(_:renderSpecial:)``.
    public func decodeBytes(_ tokens: [Int], renderSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tokens.count * 4)
        var stripSpace = addsSpacePrefix
        for token in tokens {
            guard let range = pieceRange(token, renderSpecial: renderSpecial), !range.isEmpty else { continue }
            if stripSpace && pieceBytes[range.lowerBound] == 0x20 {
                bytes.append(contentsOf: pieceBytes[(range.lowerBound + 1)..<range.upperBound])
            } else {
                bytes.append(contentsOf: pieceBytes[range])
            }
            stripSpace = false
        }
        return bytes
    }

    /// Where the rendered bytes of `token` lie in `pieceBytes`, or `nil` when it renders nothing.
    private func pieceRange(_ token: Int, renderSpecial: Bool) -> Range<Int>? {
        guard token >= 0, token < vocabularySize else { return nil }
        if !renderSpecial && (types[token] == .control || types[token] == .unknown) { return nil }
        return Int(pieceStarts[token])..<Int(pieceStarts[token + 1])
    }

    /// Decodes a token sequence that starts at the beginning of a text.
    ///
    /// For SentencePiece vocabularies that add a space prefix, the first rendered piece loses
    /// one leading space, the one encoding put there, so `decode(encode(s)) == s` for text
    /// without special tokens. (As in SentencePiece itself, a `▁` (U+2581) in the encoded text
    /// comes back as a space.) Control tokens (BOS, EOS, ...) render as nothing unless
    /// `renderSpecial` is true. Bytes that are not valid UTF-8 become U+FFFD.
    ///
    /// Unlike llama.cpp's `llama_detokenize`, no spaces are removed before punctuation
    /// (its `clean_spaces` for BPE vocabularies), so that decoding inverts encoding.
    public func decode(_ tokens: [Int], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(tokens, renderSpecial: renderSpecial), as: UTF8.self)
    }
}
