import FixtureSupport
import Testing
import LlamaSwift

/// The all-F32 stories260K model must match llama.cpp up to float summation order.
@Suite struct Stories260KTests {
    @Test func logitsMatchTheReferenceAtEveryPosition() throws {
        guard let path = try Fixtures.require("stories260K.gguf"), let reference = try ReferenceOutputs.load("stories260K") else { return }
        let model = try LlamaModel(path: path, threads: 2)
        for c in reference.cases {
            let expected = try #require(c.logits)
            let ours = try model.logits(for: c.tokens)
            #expect(ours.count == expected.count)
            for (position, (row, referenceRow)) in zip(ours, expected).enumerated() {
                let worst = zip(row, referenceRow).map { abs($0 - $1) }.max() ?? .infinity
                #expect(worst <= 0.02, "prompt '\(c.prompt)' position \(position): max |Δlogit| \(worst)")
                #expect(argmax(row) == argmax(referenceRow), "prompt '\(c.prompt)' position \(position)")
            }
        }
    }

    @Test func promptTokensMatchTheReference() throws {
        guard let path = try Fixtures.require("stories260K.gguf"), let reference = try ReferenceOutputs.load("stories260K") else { return }
        let model = try LlamaModel(path: path, threads: 1)
        for c in reference.cases {
            #expect(model.tokenize(c.prompt) == c.tokens)
        }
    }

    @Test func teacherForcedArgmaxFollowsTheGreedyContinuation() throws {
        guard let path = try Fixtures.require("stories260K.gguf"), let reference = try ReferenceOutputs.load("stories260K") else { return }
        let model = try LlamaModel(path: path, threads: 2)
        for c in reference.cases {
            let sequence = c.tokens + c.greedyTokens
            let rows = try model.logits(for: sequence)
            let predicted = rows.dropLast().map(argmax)
            #expect(Array(predicted[(c.tokens.count - 1)...]) == c.greedyTokens, "prompt '\(c.prompt)'")
            #expect(rows.map(argmax) == c.sequenceTop10.map { $0[0] }, "prompt '\(c.prompt)'")
        }
    }

    @Test func greedyGenerationPrintsTheReferenceText() async throws {
        guard let path = try Fixtures.require("stories260K.gguf"), let reference = try ReferenceOutputs.load("stories260K") else { return }
        let model = try LlamaModel(path: path, threads: 2)
        for c in reference.cases {
            let session = try model.makeSession(contextSize: 128)
            var text = ""
            for try await piece in session.generate(prompt: c.prompt, parameters: .greedy(maxTokens: c.greedyTokens.count)) {
                text += piece
            }
            #expect(text == c.greedyText, "prompt '\(c.prompt)'")
            let statistics = await session.statistics
            #expect(statistics.promptTokens == c.tokens.count)
            #expect(statistics.generatedTokens == c.greedyTokens.count)
        }
    }
}
