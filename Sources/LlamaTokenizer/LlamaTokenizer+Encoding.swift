extension LlamaTokenizer {
    /// Encodes text to token ids.
    ///
    /// - Parameters:
    ///   - text: The text to encode.
    ///   - addSpecial: Add BOS (and EOS) as the model's metadata asks (``addsBOS``, ``addsEOS``).
    ///   - parseSpecial: Read the texts of control tokens in `text` (`<|begin_of_text|>`,
    ///     `<|im_start|>`, `<s>`) as those tokens, like llama.cpp's `parse_special`. Tokens of type
    ///     user-defined are always read as themselves.
    /// - Returns: The token ids, identical to llama.cpp's `llama_tokenize`.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        var text = text
        return text.withUTF8 { encode(utf8: $0, addSpecial: addSpecial, parseSpecial: parseSpecial) }
    }

    /// Encodes UTF-8 text to token ids without building a `String`; see
    /// ``encode(_:addSpecial:parseSpecial:)``. Invalid UTF-8 never traps: its bytes are encoded
    /// as they are (SentencePiece byte tokens, BPE byte characters), but where words break
    /// around them may differ from llama.cpp.
    public func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        var output: [Int] = []
        output.reserveCapacity(bytes.count / 3 + 2)
        if addSpecial && addsBOS, let bosTokenID { output.append(bosTokenID) }
        let fragments = splitter.split(bytes, parseSpecial: parseSpecial)
        switch encoder {
        case .sentencePiece(let spm):
            var afterSpecial = true
            for fragment in fragments {
                switch fragment {
                case .text(let range):
                    let escaped = SentencePieceEncoder.escape(
                        UnsafeBufferPointer(rebasing: bytes[range]), prefixSpace: addsSpacePrefix && afterSpecial)
                    escaped.withUnsafeBufferPointer { spm.encode(escaped: $0, into: &output) }
                    afterSpecial = false
                case .token(let id):
                    output.append(id)
                    afterSpecial = true
                }
            }
        case .bytePair(let bpe, let pre):
            var scratch = BytePairEncoder.Scratch(inputLength: bytes.count)
            for fragment in fragments {
                switch fragment {
                case .text(let range):
                    encodeBytePair(UnsafeBufferPointer(rebasing: bytes[range]), bpe, pre, &scratch, &output)
                case .token(let id):
                    output.append(id)
                }
            }
        }
        if addSpecial && addsEOS, let eosTokenID { output.append(eosTokenID) }
        return output
    }

    private func encodeBytePair(
        _ bytes: UnsafeBufferPointer<UInt8>, _ bpe: BytePairEncoder, _ pre: PreTokenizer,
        _ scratch: inout BytePairEncoder.Scratch, _ output: inout [Int]
    ) {
        if pre.spelling == .escapedSpaces {
            let escaped = SentencePieceEncoder.escape(bytes, prefixSpace: false)
            escaped.withUnsafeBufferPointer { encodeWords($0, bpe, pre, &scratch, &output) }
        } else {
            encodeWords(bytes, bpe, pre, &scratch, &output)
        }
    }

    private func encodeWords(
        _ bytes: UnsafeBufferPointer<UInt8>, _ bpe: BytePairEncoder, _ pre: PreTokenizer,
        _ scratch: inout BytePairEncoder.Scratch, _ output: inout [Int]
    ) {
        let text = ScalarText(utf8: bytes)
        let offsets = text.offsets
        var wordStart = 0
        for wordEnd in pre.wordEnds(text) {
            let word = UnsafeBufferPointer(rebasing: bytes[offsets[wordStart]..<offsets[wordEnd]])
            bpe.encode(word: word, into: &output, scratch: &scratch)
            wordStart = wordEnd
        }
    }
}
