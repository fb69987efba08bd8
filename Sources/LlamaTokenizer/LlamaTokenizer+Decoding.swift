extension LlamaTokenizer {
    /// The bytes `token` renders as: normal text with SentencePiece `▁` as a space and BPE byte
    /// characters mapped back, `<0xNN>` tokens as their byte, user-defined tokens as their text.
    /// Control and unknown tokens render as nothing unless `renderSpecial` is true, then as
    /// their text. Unused tokens and ids outside the vocabulary render as nothing.
    ///
    /// One token may hold part of a multi-byte character; use ``StreamingDecoder`` to turn a
    /// stream of tokens into text.
    public func piece(for token: Int, renderSpecial: Bool = false) -> [UInt8] {
        guard token >= 0, token < vocabularySize else { return [] }
        if !renderSpecial && (types[token] == .control || types[token] == .unknown) { return [] }
        return Array(pieceBytes[Int(pieceStarts[token])..<Int(pieceStarts[token + 1])])
    }

    /// The bytes of a token sequence; see ``decode(_:renderSpecial:)``.
    public func decodeBytes(_ tokens: [Int], renderSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        var stripSpace = addsSpacePrefix
        for token in tokens {
            let piece = piece(for: token, renderSpecial: renderSpecial)
            guard !piece.isEmpty else { continue }
            if stripSpace && piece[0] == 0x20 {
                bytes.append(contentsOf: piece.dropFirst())
            } else {
                bytes.append(contentsOf: piece)
            }
            stripSpace = false
        }
        return bytes
    }

    /// Decodes a token sequence that starts at the beginning of a text.
    ///
    /// For SentencePiece vocabularies that add a space prefix, the first rendered piece loses
    /// one leading space, the one encoding put there, so `decode(encode(s)) == s` for text
    /// without special tokens. Control tokens (BOS, EOS, ...) render as nothing unless
    /// `renderSpecial` is true. Bytes that are not valid UTF-8 become U+FFFD.
    public func decode(_ tokens: [Int], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(tokens, renderSpecial: renderSpecial), as: UTF8.self)
    }
}
