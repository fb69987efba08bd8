#if LLAMA_VULKAN
import FixtureSupport
import GGUF
import Testing
@testable import LlamaVulkan

/// The whole forward pass on real and synthetic models against llama.cpp's reference outputs.
@Suite(.serialized) struct ModelForwardTests {
    private func load(_ model: String, contextLength: Int) throws -> VulkanForward? {
        guard let path = try Fixtures.require(model), try TestDevice.open() != nil else { return nil }
        let file = try GGUFFile(path: path)
        return try VulkanForward(file: file, hyperparameters: VulkanHyperparameters(file: file), contextLength: contextLength)
    }

    /// Every position's logits within 0.02 of llama.cpp's, then the same greedy continuation
    /// decoded one token at a time.
    @Test func stories260KMatchesReferenceLogitsAndGreedyTokens() throws {
        guard let model = try load("stories260K.gguf", contextLength: 128), let cases = try ReferenceCase.load("stories260K") else { return }
        let vocabulary = 512
        #expect(!cases.isEmpty)
        for reference in cases {
            let logits = try model.forward(tokens: reference.tokens, startPosition: 0, allLogits: true)
            #expect(logits.count == reference.tokens.count * vocabulary)
            let expected = try #require(reference.logits)
            for (position, row) in expected.enumerated() {
                let ours = Array(logits[(position * vocabulary)..<((position + 1) * vocabulary)])
                let difference = maxDifference(ours, row)
                #expect(difference <= 0.02, "position \(position): max |difference| \(difference)")
            }
            var next = argmax(logits[((reference.tokens.count - 1) * vocabulary)...])
            var generated: [Int] = []
            while generated.count < reference.greedyTokens.count {
                generated.append(next)
                let row = try model.forward(tokens: [next], startPosition: model.cachedPositions)
                next = argmax(row[...])
            }
            #expect(generated == reference.greedyTokens)
        }
    }

    /// A prompt longer than one chunk (two submissions) gives the rows that decoding it one
    /// token at a time gives, and the last-token result is the last row of the all-logits one.
    @Test func chunkedPrefillMatchesTokenByTokenDecoding() throws {
        guard let model = try load("stories260K.gguf", contextLength: 128) else { return }
        let vocabulary = 512
        var rng = SeededGenerator(seed: 21)
        let tokens = (0..<45).map { _ in Int.random(in: 3..<vocabulary, using: &rng) }
        let all = try model.forward(tokens: tokens, startPosition: 0, allLogits: true)
        let last = try model.forward(tokens: tokens, startPosition: 0)
        #expect(last == Array(all[((tokens.count - 1) * vocabulary)...]))
        for (position, token) in tokens.enumerated() {
            let row = try model.forward(tokens: [token], startPosition: position)
            let difference = maxDifference(row, Array(all[(position * vocabulary)..<((position + 1) * vocabulary)]))
            #expect(difference <= 1e-4, "position \(position): \(difference)")
        }
    }

    /// Teacher-forced prompt + reference greedy tokens in one call: top-1 agreement at 90% of
    /// positions or more, llama.cpp's top-1 in our top 3 everywhere, and the last prompt row's
    /// cosine similarity at least 0.998. (llama.cpp quantizes activations to 8 bits on these
    /// models, so exact agreement is not expected.)
    @Test(arguments: ["tiny-llama2-Q4_0", "tiny-llama2-Q5_K_M", "tiny-llama2-Q6_K", "tiny-llama3-Q4_0"])
    func syntheticModelAgreesWithReference(name: String) throws {
        guard let model = try load("synthetic/\(name).gguf", contextLength: 64), let cases = try ReferenceCase.load(name) else { return }
        #expect(!cases.isEmpty)
        for reference in cases {
            let sequence = reference.tokens + reference.greedyTokens
            #expect(reference.sequenceTop10.count == sequence.count)
            let logits = try model.forward(tokens: sequence, startPosition: 0, allLogits: true)
            let vocabulary = logits.count / sequence.count
            #expect(vocabulary == reference.lastLogits.count)
            var agreeing = 0
            for (position, top10) in reference.sequenceTop10.enumerated() {
                let row = logits[(position * vocabulary)..<((position + 1) * vocabulary)]
                let top3 = topIndices(row, count: 3)
                if top3.first == top10[0] { agreeing += 1 }
                #expect(top3.contains(top10[0]), "position \(position): reference top-1 \(top10[0]) not in our top 3 \(top3)")
            }
            #expect(Double(agreeing) >= 0.9 * Double(sequence.count), "top-1 agrees at \(agreeing) of \(sequence.count) positions")
            let last = Array(logits[((reference.tokens.count - 1) * vocabulary)..<(reference.tokens.count * vocabulary)])
            let cosine = cosineSimilarity(last, reference.lastLogits)
            #expect(cosine >= 0.998, "last prompt row cosine \(cosine)")
        }
    }

    private func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
        }
        return dot / (aa.squareRoot() * bb.squareRoot())
    }
}
#endif
