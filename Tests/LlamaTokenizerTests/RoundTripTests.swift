import FixtureSupport
import Testing
@testable import LlamaTokenizer

/// `decode(encode(s)) == s` on every vocabulary. SentencePiece encoding adds a space before
/// the text; `decode` drops it again from the first piece, so the round trip is exact too.
@Suite struct RoundTripTests {
    static let vocabularies = [
        "tokenizer/ggml-vocab-llama-spm.gguf", "tokenizer/ggml-vocab-llama-bpe.gguf", "stories260K.gguf",
        TestTokenizers.smolLM2,
    ]
    static let texts = [
        "Hello world", " leading space", "  two leading spaces", "trailing spaces  ", "tabs\tand\nnewlines\r\n\n",
        "Numbers 1234567 and 3.14159", "func main() { print(\"hi\") } // code", "emoji 🦙🚀😶‍🌫️ and ½ ∑",
        "中文字符和日本語のテキスト", "Ελληνικά, русский, עברית, العربية", "it's I'LL we've", "",
    ]

    @Test(.fixtures(vocabularies), arguments: vocabularies)
    func decodeInvertsEncode(vocabulary: String) throws {
        let tokenizer = try TestTokenizers.load(vocabulary)
        for text in Self.texts {
            #expect(tokenizer.decode(tokenizer.encode(text)) == text, "text \(text.debugDescription)")
            #expect(tokenizer.decode(tokenizer.encode(text, addSpecial: false)) == text, "text \(text.debugDescription)")
        }
    }

    @Test(.fixtures("stories260K.gguf")) func sentencePieceFallsBackToBytesOutsideTheVocabulary() throws {
        let tokenizer = try TestTokenizers.load("stories260K.gguf")
        // stories260K's 512 tokens hold no CJK: each UTF-8 byte becomes its <0xNN> token.
        let tokens = tokenizer.encode("中", addSpecial: false)
        let texts = tokens.compactMap { tokenizer.text(of: $0) }
        #expect(texts.suffix(3) == ["<0xE4>", "<0xB8>", "<0xAD>"])
        #expect(tokens.allSatisfy { tokenizer.tokenType($0) == .byte || tokenizer.tokenType($0) == .normal })
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-spm.gguf")) func sentencePieceDecodeKeepsSpacesInsideTheText() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-spm.gguf")
        let tokens = tokenizer.encode("Hello world", addSpecial: false)
        #expect(tokens.map { tokenizer.piece(for: $0) } == [Array(" Hello".utf8), Array(" world".utf8)])
        #expect(tokenizer.decode(Array(tokens.dropFirst())) == "world")
        var stream = StreamingDecoder(tokenizer: tokenizer)
        #expect(tokens.map { stream.append($0) }.joined() == " Hello world")
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf")) func outOfRangeIdsDecodeToNothing() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        #expect(tokenizer.piece(for: -1).isEmpty)
        #expect(tokenizer.piece(for: tokenizer.vocabularySize).isEmpty)
        #expect(tokenizer.decode([Int.max, -5]) == "")
    }
}

/// Bytes that are not UTF-8 are encoded byte by byte and come back unchanged.
@Suite struct InvalidUTF8Tests {
    static let inputs: [[UInt8]] = [[0xFF, 0x41], [0x41, 0xE4, 0xB8], [0x80, 0x80, 0x20, 0x41], [0xF0, 0x9F, 0x41, 0xC3]]

    static let vocabularies = ["tokenizer/ggml-vocab-llama-bpe.gguf", "tokenizer/ggml-vocab-llama-spm.gguf"]

    @Test(.fixtures(vocabularies), arguments: vocabularies)
    func invalidBytesRoundTrip(vocabulary: String) throws {
        let tokenizer = try TestTokenizers.load(vocabulary)
        for input in Self.inputs {
            let tokens = input.withUnsafeBufferPointer { tokenizer.encode(utf8: $0, addSpecial: false) }
            #expect(!tokens.isEmpty)
            #expect(tokenizer.decodeBytes(tokens) == input, "input \(input)")
        }
    }
}
