import FixtureSupport
import Foundation
import LlamaSwift
import Testing

/// Sequences decoded together give exactly what each gives alone.
@Suite struct BatchedDecodingTests {
    static let prompts = [
        "Once upon a time", "The little dog", "Lily and Tom went to the park", "A big red ball",
        "One day, a girl named Sue", "The sun was hot", "Ben had a toy car", "In the forest there was",
    ]

    static let models = [
        "stories260K.gguf", "synthetic/tiny-llama2-Q4_0.gguf", "synthetic/tiny-llama3-Q4_0.gguf", "synthetic/tiny-mistral-Q4_K_M.gguf",
    ]

    @Test("8 sequences decoded together each give their greedy text alone", .fixtures(models), arguments: models)
    func batchedEqualsAlone(fixture: String) async throws {
        let path = try Fixtures.path(fixture)
        let model = try LlamaModel(path: path, threads: 2)
        var alone: [String] = []
        for prompt in Self.prompts {
            var text = ""
            for try await piece in try model.makeSession(contextSize: 128).generate(prompt: prompt, parameters: .greedy(maxTokens: 24)) {
                text += piece
            }
            alone.append(text)
        }
        let decoder = try BatchedDecoder(model: model, sequences: Self.prompts.count, contextSize: 128)
        let together = try decoder.generate(prompts: Self.prompts, parameters: .greedy(maxTokens: 24))
        #expect(together == alone)
        #expect(together.contains { !$0.isEmpty })
    }

    @Test("append evaluates several sequences at once and checks what it is given", .fixtures("stories260K.gguf"))
    func appendLogitsEqualSessionLogits() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 2)
        let a = model.tokenize("Once upon a time"), b = model.tokenize("The cat sat")
        let decoder = try BatchedDecoder(model: model, sequences: 2, contextSize: 64)
        let rows = try decoder.append([(0, a), (1, b)])
        let expectedA = try model.logits(for: a).last!, expectedB = try model.logits(for: b).last!
        #expect(zip(rows[0], expectedA).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(rows[1], expectedB).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(decoder.tokens(of: 1) == b)
        #expect(throws: LlamaError.self) { try decoder.append([(0, [1]), (0, [2])]) }
        #expect(throws: LlamaError.self) { try decoder.append([(2, [1])]) }
        #expect(throws: LlamaError.emptyInput) { try decoder.append([(1, [])]) }
        decoder.truncate(sequence: 1, to: 1)
        #expect(decoder.tokens(of: 1) == [b[0]])
    }
}
