import FixtureSupport
import Testing
@testable import LlamaTokenizer

@Suite struct StreamingDecoderTests {
    static let texts = [
        "🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅ 🦙🦙🦙",
        "我想在apple工作1314151天～ 你好，世界！こんにちは世界 안녕하세요 龘靐齉爩 鱻麤",
        "👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math, 𠜎𠜱𠝹 rare CJK",
    ]

    /// Tokens that split characters must not produce broken text: each chunk is valid on its
    /// own (no U+FFFD appears) and the chunks add up to the input.
    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf"), arguments: texts)
    func llama3StreamNeverBreaksCharacters(text: String) throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        let tokens = tokenizer.encode(text, addSpecial: false)
        let splitsCharacters = tokens.contains { token in
            let piece = tokenizer.piece(for: token)
            return String(validating: piece, as: UTF8.self) == nil
        }
        #expect(splitsCharacters, "the text should exercise tokens that hold part of a character")

        var stream = StreamingDecoder(tokenizer: tokenizer)
        var output = ""
        for token in tokens {
            let chunk = stream.append(token)
            #expect(!chunk.unicodeScalars.contains("\u{FFFD}"))
            output += chunk
        }
        output += stream.flush()
        #expect(output == text)
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf")) func flushReplacesAnUnfinishedCharacter() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        let tokens = tokenizer.encode("🦙", addSpecial: false)
        try #require(tokens.count > 1)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        #expect(stream.append(tokens[0]) == "")
        #expect(stream.flush() == "\u{FFFD}")
        #expect(stream.flush() == "")
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf")) func controlTokensRenderOnlyOnRequest() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        guard let eos = tokenizer.eosTokenID else { return }
        var plain = StreamingDecoder(tokenizer: tokenizer)
        #expect(plain.append(eos) == "")
        var special = StreamingDecoder(tokenizer: tokenizer, renderSpecial: true)
        #expect(special.append(eos) == "<|end_of_text|>")
    }

    @Test func completePrefixHoldsBackOnlyUnfinishedSequences() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        #expect(StreamingDecoder.completePrefixLength([0x41] + euro) == 4)
        #expect(StreamingDecoder.completePrefixLength([0x41] + euro.prefix(2)) == 1)
        #expect(StreamingDecoder.completePrefixLength([0x41, 0xF0, 0x9F]) == 1)
        #expect(StreamingDecoder.completePrefixLength([0x41, 0x80]) == 2)  // stray continuation: emitted
        #expect(StreamingDecoder.completePrefixLength([]) == 0)
    }
}
