import FixtureSupport
import Testing
import LlamaSwift

@Suite struct GenerationTests {
    func collect(_ stream: AsyncThrowingStream<String, Error>) async throws -> String {
        var text = ""
        for try await piece in stream { text += piece }
        return text
    }

    func sampling(seed: UInt64) -> GenerationParameters {
        var p = GenerationParameters()
        p.temperature = 1.0
        p.topK = 0
        p.topP = 1
        p.minP = 0
        p.seed = seed
        p.maxTokens = 40
        return p
    }

    @Test(.fixtures("stories260K.gguf")) func sameSeedSameTextDifferentSeedDifferentText() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let session = try model.makeSession()
        let first = try await collect(session.generate(prompt: "Once upon a time", parameters: sampling(seed: 11)))
        let again = try await collect(session.generate(prompt: "Once upon a time", parameters: sampling(seed: 11)))
        let other = try await collect(model.makeSession().generate(prompt: "Once upon a time", parameters: sampling(seed: 12)))
        #expect(!first.isEmpty)
        #expect(first == again)
        #expect(first != other)
    }

    @Test(.fixtures("stories260K.gguf")) func reusesTheCachedPrefixAndGivesTheSameText() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let session = try model.makeSession()
        let prompt = "Lily and Tom were friends. One day, they"
        let cold = try await collect(session.generate(prompt: prompt, parameters: .greedy(maxTokens: 10)))
        let warm = try await collect(session.generate(prompt: prompt, parameters: .greedy(maxTokens: 10)))
        #expect(cold == warm)
        // Only the last prompt token needed evaluating the second time.
        #expect(await session.statistics.promptTokens == 1)
    }

    @Test(.fixtures("stories260K.gguf")) func stopsBeforeAStopStringAndAtMaxTokens() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let full = try await collect(model.makeSession().generate(prompt: "Once upon a time", parameters: .greedy(maxTokens: 30)))
        let words = full.split(separator: " ")
        try #require(words.count > 4)
        var p = GenerationParameters.greedy(maxTokens: 30)
        p.stop = [" " + words[3]]
        let stopped = try await collect(model.makeSession().generate(prompt: "Once upon a time", parameters: p))
        #expect(full.hasPrefix(stopped))
        #expect(!stopped.contains(p.stop[0]))
        #expect(stopped.count < full.count)

        let session = try model.makeSession()
        _ = try await collect(session.generate(prompt: "Once upon a time", parameters: .greedy(maxTokens: 5)))
        #expect(await session.statistics.generatedTokens == 5)
    }

    @Test(.fixtures("stories260K.gguf")) func stopsWhenTheContextIsFull() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let session = try model.makeSession(contextSize: 16)
        var p = sampling(seed: 3)
        p.maxTokens = -1
        _ = try await collect(session.generate(prompt: "Once upon a time", parameters: p))
        let statistics = await session.statistics
        // 5 prompt tokens, then at most 11 evaluated tokens and one final sampled token.
        #expect(statistics.generatedTokens <= 12)
    }

    @Test(.fixtures("stories260K.gguf")) func breakingOffEndsTheStreamAndLeavesTheSessionUsable() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let session = try model.makeSession()
        for try await _ in session.generate(prompt: "Once upon a time", parameters: sampling(seed: 5)) { break }
        let text = try await collect(session.generate(prompt: "Once upon a time", parameters: .greedy(maxTokens: 8)))
        let fresh = try await collect(model.makeSession().generate(prompt: "Once upon a time", parameters: .greedy(maxTokens: 8)))
        #expect(text == fresh)
    }
}
