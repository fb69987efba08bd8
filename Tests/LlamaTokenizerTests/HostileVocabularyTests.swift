import GGUF
import LlamaTokenizer
import Testing

/// Vocabularies built to exhaust memory or time are refused, or tokenize in bounded work.
@Suite struct HostileVocabularyTests {
    static func bytePair(tokens: [String], merges: [String]) -> GGUFMetadata {
        var metadata = GGUFMetadata()
        metadata["tokenizer.ggml.model"] = .string("gpt2")
        metadata["tokenizer.ggml.pre"] = .string("gpt2")
        metadata["tokenizer.ggml.tokens"] = .array(.string(tokens))
        metadata["tokenizer.ggml.merges"] = .array(.string(merges))
        return metadata
    }

    @Test func aVocabularyPastTheLimitIsRefusedNamingTheKey() {
        let count = LlamaTokenizer.maximumVocabularySize + 1
        let metadata = Self.bytePair(tokens: [String](repeating: "a", count: count), merges: [])
        #expect(throws: TokenizerError.tooLarge(key: "tokenizer.ggml.tokens", count: count, limit: LlamaTokenizer.maximumVocabularySize)) {
            try LlamaTokenizer(metadata: metadata)
        }
    }

    @Test func mergesPastTheLimitAreRefusedNamingTheKey() {
        let count = LlamaTokenizer.maximumMergeCount + 1
        let metadata = Self.bytePair(tokens: ["a", "aa"], merges: [String](repeating: "a a", count: count))
        #expect(throws: TokenizerError.tooLarge(key: "tokenizer.ggml.merges", count: count, limit: LlamaTokenizer.maximumMergeCount)) {
            try LlamaTokenizer(metadata: metadata)
        }
    }

    /// Merges that chain into each other (a a, aa aa, aaaa aaaa, ...) over a long run of one
    /// letter: every merge shortens the word, so encoding ends, and decodes back to the text.
    @Test func chainedMergesOverALongRunEndAndRoundTrip() throws {
        var tokens = ["a"]
        var merges: [String] = []
        for _ in 0..<16 {
            merges.append("\(tokens.last!) \(tokens.last!)")
            tokens.append(tokens.last! + tokens.last!)
        }
        let tokenizer = try LlamaTokenizer(metadata: Self.bytePair(tokens: tokens, merges: merges))
        let text = String(repeating: "a", count: 200_003)
        let ids = tokenizer.encode(text, addSpecial: false)
        #expect(tokenizer.decode(ids) == text)
        #expect(ids.count < 200)
    }
}
