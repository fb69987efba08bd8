import FixtureSupport
import Testing
@testable import LlamaTokenizer

/// BOS/EOS flags, special-token parsing and the end-of-generation set on the real vocabularies.
@Suite struct SpecialTokenTests {
    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf")) func llama3AddsBOSAndParsesSpecialTextOnlyWhenAsked() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        #expect(tokenizer.kind == .bytePair)
        #expect(tokenizer.addsBOS && !tokenizer.addsEOS)
        #expect(tokenizer.bosTokenID == 128_000 && tokenizer.eosTokenID == 128_001)
        let hello = tokenizer.encode("Hello", addSpecial: false)
        #expect(tokenizer.encode("Hello") == [128_000] + hello)

        let text = "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
        let parsed = tokenizer.encode(text, addSpecial: false, parseSpecial: true)
        #expect(parsed.first == 128_006 && parsed.last == 128_009)
        #expect(parsed.contains(128_007))
        let literal = tokenizer.encode(text, addSpecial: false)
        #expect(literal.allSatisfy { $0 < 128_000 })
        #expect(tokenizer.decode(literal) == text)
        #expect(tokenizer.decode(parsed) == "user\n\nHello")
        #expect(tokenizer.decode(parsed, renderSpecial: true) == text)
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf")) func llama3EndOfGeneration() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        #expect(tokenizer.eotTokenID == 128_009)
        #expect(tokenizer.isEndOfGeneration(128_001))
        #expect(tokenizer.isEndOfGeneration(128_009))
        #expect(!tokenizer.isEndOfGeneration(128_000))
        #expect(!tokenizer.isEndOfGeneration(tokenizer.encode("end", addSpecial: false)[0]))
        #expect(tokenizer.endOfGenerationTokenIDs == [128_001, 128_009])
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-spm.gguf")) func llama2BOSAndSpecialParsing() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-spm.gguf")
        #expect(tokenizer.kind == .sentencePiece)
        #expect(tokenizer.addsBOS && tokenizer.addsSpacePrefix)
        #expect(tokenizer.isEndOfGeneration(2) && !tokenizer.isEndOfGeneration(1))
        let hello = tokenizer.encode("Hello", addSpecial: false)
        // After a special token the space prefix is added again, as llama.cpp does.
        #expect(tokenizer.encode("<s>Hello", addSpecial: false, parseSpecial: true) == [1] + hello)
        #expect(tokenizer.encode("Hello</s>", parseSpecial: true) == [1] + hello + [2])
        #expect(!tokenizer.encode("<s>Hello", addSpecial: false).contains(1))
    }

    @Test(.fixtures(TestTokenizers.smolLM2)) func smolLM2FlagsAndEndOfGeneration() throws {
        let tokenizer = try TestTokenizers.load(TestTokenizers.smolLM2)
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.encode("Hi") == tokenizer.encode("Hi", addSpecial: false))
        #expect(tokenizer.eosTokenID == 2 && tokenizer.eotTokenID == 2)
        #expect(tokenizer.isEndOfGeneration(2))  // <|im_end|>
        #expect(tokenizer.isEndOfGeneration(0))  // <|endoftext|>
        #expect(!tokenizer.isEndOfGeneration(1))  // <|im_start|>
        // llama.cpp takes <reponame> for the fill-in-the-middle repository token, which ends generation.
        #expect(tokenizer.text(of: 4) == "<reponame>")
        #expect(tokenizer.endOfGenerationTokenIDs == [0, 2, 4])
        // smollm splits every digit.
        let digits = tokenizer.encode("2024", addSpecial: false)
        #expect(digits.count == 4)
        #expect(digits.map { tokenizer.decode([$0]) } == ["2", "0", "2", "4"])
    }
}
