import FixtureSupport
import LlamaSwift
import Synchronization
import Testing

/// A caller's logits processor runs before every draw, sees the tokens so far, and what it
/// forbids is never sampled, in a session and in batched decoding.
@Suite struct LogitsProcessorTests {
    /// The tokens a processor was shown at each call.
    final class Calls: Sendable {
        let seen = Mutex<[[Int]]>([])
    }

    /// A processor that keeps the tokens it is shown in `calls`, then runs `body`.
    static func recorder(_ calls: Calls, then body: @escaping @Sendable (inout [Float]) -> Void = { _ in }) -> LogitsProcessor {
        LogitsProcessor { logits, tokens in
            calls.seen.withLock { $0.append(tokens) }
            body(&logits)
        }
    }

    @Test(.fixtures("stories260K.gguf")) func processorSteersSampling() async throws {
        let model = try LlamaModel(path: try Fixtures.path("stories260K.gguf"), threads: 1)
        let prompt = "Once upon a time"
        let promptTokens = model.tokenize(prompt)
        let forced = model.tokenize(" cat", addSpecial: false).last!
        let calls = Calls()
        var parameters = GenerationParameters.greedy(maxTokens: 6)
        parameters.logitsProcessors = [Self.recorder(calls) { logits in
            for i in logits.indices where i != forced { logits[i] = -.infinity }
        }]
        for try await _ in try model.makeSession().generate(prompt: prompt, parameters: parameters) {}
        let seen = calls.seen.withLock { $0 }
        // Call k sees the prompt and the k tokens drawn before it, each the forced one.
        #expect(seen.count == 6)
        for (k, tokens) in seen.enumerated() {
            #expect(tokens == promptTokens + Array(repeating: forced, count: k))
        }

        // Banning the greedy first token changes it, in batched decoding too.
        func firstToken(banning banned: Int?) throws -> Int? {
            let calls = Calls()
            var p = GenerationParameters.greedy(maxTokens: 2)
            p.logitsProcessors = [Self.recorder(calls) { logits in if let banned { logits[banned] = -.infinity } }]
            _ = try BatchedDecoder(model: model, sequences: 1).generate(prompts: [prompt], parameters: p)
            return calls.seen.withLock { $0.count == 2 ? $0[1].last : nil }
        }
        let free = try #require(try firstToken(banning: nil))
        let other = try #require(try firstToken(banning: free))
        #expect(other != free)
        let processor = LogitsProcessor { _, _ in }
        var a = GenerationParameters(), b = GenerationParameters()
        a.logitsProcessors = [processor]
        b.logitsProcessors = [processor]
        #expect(a == b)
        b.logitsProcessors = [LogitsProcessor { _, _ in }]
        #expect(a != b)
    }
}
