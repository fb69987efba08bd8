import FixtureSupport
import Testing
@testable import LlamaTokenizer

/// Chat markup and end-of-generation tokens of the families beyond LLaMA, with special tokens
/// parsed and BOS added as each model asks. Expected ids are llama.cpp's (`llama_tokenize` with
/// `add_special` and `parse_special`, `llama_vocab_is_eog` over the vocabulary) on these files.
@Suite struct FamilySpecialTokenTests {
    static let vocabularies = ["qwen2", "phi-3", "gemma-4"].map { "tokenizer/ggml-vocab-\($0).gguf" }

    @Test(.fixtures(vocabularies)) func qwen2ChatMLAndEndOfGeneration() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-qwen2.gguf")
        #expect(tokenizer.encode("<|im_start|>user\nHi<|im_end|>\n", parseSpecial: true) == [151644, 872, 198, 13048, 151645, 198])
        #expect(tokenizer.endOfGenerationTokenIDs == [128247, 151643, 151645])
        #expect(tokenizer.eotTokenID == 151645)
        #expect(!tokenizer.addsBOS)
    }

    /// Phi-3's special tokens drop the whitespace after them (all but `<unk>`, `<s>`,
    /// `<|endoftext|>`), so the newline of `<|user|>\n` never reaches the text.
    @Test(.fixtures(vocabularies)) func phi3DropsWhitespaceAfterSpecialTokens() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-phi-3.gguf")
        #expect(tokenizer.encode("<|user|>\nHello<|end|>\n<|assistant|>\n", parseSpecial: true) == [1, 32010, 15043, 32007, 32001])
        #expect(tokenizer.encode("<|system|>  You are<|end|> \n<|user|>\tHi</s> ok<|assistant|>", parseSpecial: true)
            == [1, 32006, 887, 526, 32007, 32010, 6324, 2, 3431, 32001])
        #expect(tokenizer.endOfGenerationTokenIDs == [2, 32000, 32007])
        #expect(tokenizer.eotTokenID == 32007)
    }

    /// In Gemma 4's vocabulary `</s>` is an ordinary word, not an end of generation.
    @Test(.fixtures(vocabularies)) func gemma4TurnsAndPlainEndOfSentence() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-gemma-4.gguf")
        #expect(tokenizer.encode("<|turn>user\nHi</s><turn|>\n", parseSpecial: true) == [2, 105, 2364, 107, 10979, 954, 236751, 236813, 106, 107])
        #expect(tokenizer.encode("<|turn>model\n\n\nx  y", parseSpecial: true) == [2, 105, 4368, 109, 236781, 138, 236762])
        #expect(tokenizer.endOfGenerationTokenIDs == [1, 50, 106])
        #expect(tokenizer.tokenType(212) == .normal)
    }
}
