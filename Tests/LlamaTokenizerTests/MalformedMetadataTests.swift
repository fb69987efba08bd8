import GGUF
import Testing
@testable import LlamaTokenizer

/// Hand-built metadata: small working vocabularies, and broken ones that must fail with an
/// error naming the fault instead of crashing.
@Suite struct MalformedMetadataTests {
    /// A byte-level BPE vocabulary: the letters a, b, c, the GPT-2 space `Ġ`, and merges.
    static func bpeMetadata() -> GGUFMetadata {
        var metadata = GGUFMetadata()
        metadata["tokenizer.ggml.model"] = .string("gpt2")
        metadata["tokenizer.ggml.pre"] = .string("gpt2")
        metadata["tokenizer.ggml.tokens"] = .array(.string(["a", "b", "c", "Ġ", "ab", "Ġab", "abc", "<|end|>"]))
        metadata["tokenizer.ggml.token_type"] = .array(.int32([1, 1, 1, 1, 1, 1, 1, 3]))
        metadata["tokenizer.ggml.merges"] = .array(.string(["a b", "Ġ ab", "ab c"]))
        metadata["tokenizer.ggml.eos_token_id"] = .uint32(7)
        return metadata
    }

    /// A SentencePiece vocabulary with scores and byte fallback for `\n`.
    static func spmMetadata() -> GGUFMetadata {
        var metadata = GGUFMetadata()
        metadata["tokenizer.ggml.model"] = .string("llama")
        metadata["tokenizer.ggml.tokens"] = .array(.string(["<unk>", "<s>", "</s>", "<0x0A>", "▁", "a", "b", "▁a", "ab", "▁ab"]))
        metadata["tokenizer.ggml.scores"] = .array(.float32([0, 0, 0, 0, -1, -2, -2, -3, -5, -4]))
        metadata["tokenizer.ggml.token_type"] = .array(.int32([2, 3, 3, 6, 1, 1, 1, 1, 1, 1]))
        return metadata
    }

    @Test func handBuiltBytePairVocabularyEncodes() throws {
        let tokenizer = try LlamaTokenizer(metadata: Self.bpeMetadata())
        #expect(tokenizer.kind == .bytePair)
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.bosTokenID == nil)
        #expect(tokenizer.encode("abc ab") == [6, 5])
        #expect(tokenizer.encode("ba") == [1, 0])
        #expect(tokenizer.decode([6, 5]) == "abc ab")
        #expect(tokenizer.isEndOfGeneration(7))
        #expect(tokenizer.eotTokenID == 7)  // recognised by its text
        #expect(tokenizer.encode("a<|end|>", parseSpecial: true) == [0, 7])
        // Bytes without a token are dropped, as llama.cpp drops them, on both merge paths.
        #expect(tokenizer.encode("xax") == [0])
        #expect(tokenizer.encode(String(repeating: "x", count: 300) + "ab") == [4])
    }

    @Test func handBuiltSentencePieceVocabularyEncodes() throws {
        let tokenizer = try LlamaTokenizer(metadata: Self.spmMetadata())
        #expect(tokenizer.kind == .sentencePiece)
        #expect(tokenizer.addsBOS && tokenizer.bosTokenID == 1 && tokenizer.eosTokenID == 2)
        // "▁a" (score -3) outscores "ab" (-5), so "▁" + "a" merge first, then "▁a" + "b" → "▁ab".
        #expect(tokenizer.encode("ab") == [1, 9])
        // "c" is not in the vocabulary and has no byte token: the unknown token stands in.
        #expect(tokenizer.encode("a\nc", addSpecial: false) == [7, 3, 0])
        #expect(tokenizer.decode([1, 9, 3]) == "ab\n")
    }

    @Test func missingModelKey() {
        var metadata = Self.bpeMetadata()
        metadata["tokenizer.ggml.model"] = nil
        #expect(throws: TokenizerError.missingKey("tokenizer.ggml.model")) { try LlamaTokenizer(metadata: metadata) }
    }

    @Test func unknownModel() {
        var metadata = Self.bpeMetadata()
        metadata["tokenizer.ggml.model"] = .string("bert")
        #expect(throws: TokenizerError.unsupportedModel("bert")) { try LlamaTokenizer(metadata: metadata) }
    }

    @Test func unknownPreTokenizer() {
        var metadata = Self.bpeMetadata()
        metadata["tokenizer.ggml.pre"] = .string("klingon")
        #expect(throws: TokenizerError.unsupportedPreTokenizer("klingon")) { try LlamaTokenizer(metadata: metadata) }
    }

    @Test func missingTokens() {
        var metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.tokens"] = nil
        #expect(throws: TokenizerError.missingKey("tokenizer.ggml.tokens")) { try LlamaTokenizer(metadata: metadata) }
    }

    @Test func emptyTokens() {
        var metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.tokens"] = .array(.string([]))
        #expect(throws: TokenizerError.emptyVocabulary) { try LlamaTokenizer(metadata: metadata) }
    }

    @Test func wrongArrayTypes() throws {
        var metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.tokens"] = .array(.int32([1, 2, 3]))
        let error = try #require(throws: TokenizerError.self) { try LlamaTokenizer(metadata: metadata) }
        guard case .wrongType(let key, _, _) = error else { Issue.record("got \(error)"); return }
        #expect(key == "tokenizer.ggml.tokens")
        #expect(error.description.contains("tokenizer.ggml.tokens"))

        metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.scores"] = .array(.string(["high"]))
        #expect(throws: TokenizerError.wrongType(key: "tokenizer.ggml.scores", expected: "ARRAY of FLOAT32", found: "ARRAY of STRING")) {
            try LlamaTokenizer(metadata: metadata)
        }

        metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.model"] = .uint32(1)
        #expect(throws: TokenizerError.wrongType(key: "tokenizer.ggml.model", expected: "STRING", found: "UINT32")) {
            try LlamaTokenizer(metadata: metadata)
        }
    }

    @Test func perTokenArraysOfTheWrongLength() {
        var metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.scores"] = .array(.float32([0, 1]))
        #expect(throws: TokenizerError.lengthMismatch(key: "tokenizer.ggml.scores", expected: 10, found: 2)) {
            try LlamaTokenizer(metadata: metadata)
        }
        metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.token_type"] = .array(.int32([1]))
        #expect(throws: TokenizerError.lengthMismatch(key: "tokenizer.ggml.token_type", expected: 10, found: 1)) {
            try LlamaTokenizer(metadata: metadata)
        }
    }

    @Test func mergesReferringToUnknownTokens() throws {
        var metadata = Self.bpeMetadata()
        metadata["tokenizer.ggml.merges"] = .array(.string(["a b", "x y"]))
        let error = try #require(throws: TokenizerError.self) { try LlamaTokenizer(metadata: metadata) }
        #expect(error == .invalidMerge(index: 1, rule: "x y", reason: "'x' is not a token"))

        metadata["tokenizer.ggml.merges"] = .array(.string(["b c"]))
        #expect(throws: TokenizerError.invalidMerge(index: 0, rule: "b c", reason: "'bc' is not a token")) {
            try LlamaTokenizer(metadata: metadata)
        }
        metadata["tokenizer.ggml.merges"] = .array(.string(["ab"]))
        #expect(throws: TokenizerError.invalidMerge(index: 0, rule: "ab", reason: "no space between the two parts")) {
            try LlamaTokenizer(metadata: metadata)
        }
        metadata["tokenizer.ggml.merges"] = nil
        #expect(throws: TokenizerError.missingKey("tokenizer.ggml.merges")) { try LlamaTokenizer(metadata: metadata) }
    }

    @Test func addingBOSWithoutABOSToken() {
        var metadata = Self.bpeMetadata()
        metadata["tokenizer.ggml.add_bos_token"] = .bool(true)
        metadata["tokenizer.ggml.bos_token_id"] = .uint32(4_294_967_295)
        #expect(throws: TokenizerError.missingSpecialToken(key: "tokenizer.ggml.bos_token_id")) {
            try LlamaTokenizer(metadata: metadata)
        }
    }

    @Test func outOfRangeSpecialIdsAreIgnored() throws {
        var metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.eos_token_id"] = .uint32(4_294_967_295)
        metadata["tokenizer.ggml.padding_token_id"] = .uint32(99)
        let tokenizer = try LlamaTokenizer(metadata: metadata)
        #expect(tokenizer.eosTokenID == 2)  // the SentencePiece default stays
        #expect(tokenizer.paddingTokenID == nil)
    }

    @Test func unknownTokenTypesAreUndefinedNotFatal() throws {
        var metadata = Self.spmMetadata()
        metadata["tokenizer.ggml.token_type"] = .array(.int32([2, 3, 3, 6, 1, 1, 1, 1, 1, 42]))
        let tokenizer = try LlamaTokenizer(metadata: metadata)
        #expect(tokenizer.tokenType(9) == .undefined)
        #expect(tokenizer.piece(for: 9).isEmpty)
    }
}
