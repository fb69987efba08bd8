import FixtureSupport
import Foundation
import LlamaSwift
import Testing

@Suite("Saving and restoring session state")
struct SessionStateTests {
    /// A fresh path in the temporary directory.
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-\(UUID().uuidString)-\(name)").path
    }

    /// The first `count` tokens of a long English text.
    func longPrompt(_ model: LlamaModel, count: Int) -> [Int] {
        let sentence = "The old lighthouse keeper climbed the stairs every evening, counting ships on the grey horizon. "
        var text = sentence
        while model.tokenize(text).count < count { text += sentence }
        return Array(model.tokenize(text).prefix(count))
    }

    @Test("a restored ~500-token prompt gives the same next-token logits as recomputing it, faster",
          .fixtures("synthetic/tiny-llama2-Q4_0.gguf"))
    func restoreMatchesRecompute() async throws {
        let path = try Fixtures.path("synthetic/tiny-llama2-Q4_0.gguf")
        let model = try LlamaModel(path: path)
        let prompt = longPrompt(model, count: 500)
        let next = prompt[17]
        let statePath = temporaryPath("prompt.state")
        defer { try? FileManager.default.removeItem(atPath: statePath) }

        // The saving session is also the one that recomputes: it evaluates the prompt, saves the
        // state (not timed), then evaluates the next token. Debug builds are slow, so the prompt
        // is evaluated only once in this test.
        let clock = ContinuousClock()
        let recomputing = try model.makeSession(contextSize: 1024)
        let promptStart = clock.now
        _ = try await recomputing.append(prompt)
        let promptTime = clock.now - promptStart
        try await recomputing.saveState(to: statePath)
        let nextStart = clock.now
        let expected = try await recomputing.append([next])
        let recomputeTime = promptTime + (clock.now - nextStart)

        let restoring = try model.makeSession(contextSize: 1024)
        let restoreStart = clock.now
        let restored = try await restoring.restoreState(from: statePath)
        let logits = try await restoring.append([next])
        let restoreTime = clock.now - restoreStart

        #expect(restored == 500)
        #expect(await restoring.cachedTokens == prompt + [next])
        #expect(logits == expected)
        #expect(restoreTime < recomputeTime)
        print("prompt cache: 500 tokens recomputed in \(recomputeTime), restored in \(restoreTime): "
            + "\(String(format: "%.1f", recomputeTime / restoreTime))x faster")
    }

    @Test("generation after a restore continues as in the session that saved it", .fixtures("stories260K.gguf"))
    func generationAfterRestore() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path)
        let prompt = "Once upon a time, there was a little girl"
        let statePath = temporaryPath("story.state")
        defer { try? FileManager.default.removeItem(atPath: statePath) }
        let saver = try model.makeSession()
        _ = try await saver.append(model.tokenize(prompt))
        try await saver.saveState(to: statePath)

        var expected = ""
        for try await piece in try model.makeSession().generate(prompt: prompt, parameters: .greedy(maxTokens: 20)) { expected += piece }
        let restoring = try model.makeSession()
        try await restoring.restoreState(from: statePath)
        var text = ""
        for try await piece in restoring.generate(prompt: prompt, parameters: .greedy(maxTokens: 20)) { text += piece }
        #expect(!expected.isEmpty)
        #expect(text == expected)
        // Only the last prompt token was evaluated again.
        #expect(await restoring.statistics.promptTokens == 1)
    }

    @Test("a state of another model, another version, or a truncated, altered or foreign file is refused",
          .fixtures("stories260K.gguf", "synthetic/tiny-llama2-Q4_0.gguf"))
    func refusals() async throws {
        let storiesPath = try Fixtures.path("stories260K.gguf")
        let tinyPath = try Fixtures.path("synthetic/tiny-llama2-Q4_0.gguf")
        let stories = try LlamaModel(path: storiesPath)
        let tiny = try LlamaModel(path: tinyPath)
        let statePath = temporaryPath("stories.state")
        let badPath = temporaryPath("bad.state")
        defer {
            try? FileManager.default.removeItem(atPath: statePath)
            try? FileManager.default.removeItem(atPath: badPath)
        }
        let saver = try stories.makeSession()
        _ = try await saver.append(stories.tokenize("One day a cat"))
        try await saver.saveState(to: statePath)
        let good = try Data(contentsOf: URL(fileURLWithPath: statePath))

        let other = try tiny.makeSession()
        await #expect(throws: SessionStateError.modelMismatch(path: statePath)) { try await other.restoreState(from: statePath) }

        let target = try stories.makeSession()
        _ = try await target.append([1, 2, 3])
        func expectRefused(_ bytes: Data, _ error: SessionStateError, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try bytes.write(to: URL(fileURLWithPath: badPath))
            await #expect(throws: error, sourceLocation: sourceLocation) { try await target.restoreState(from: badPath) }
            #expect(await target.cachedTokens == [1, 2, 3], sourceLocation: sourceLocation)
        }
        try await expectRefused(good.prefix(good.count - 100), .truncated(path: badPath))
        try await expectRefused(good.prefix(20), .truncated(path: badPath))
        var altered = good
        altered[good.count / 2] ^= 0x40
        try await expectRefused(altered, .corrupt(path: badPath, reason: "the checksum does not match the contents"))
        var version = good
        version[8] = 9
        try await expectRefused(version, .unsupportedVersion(path: badPath, version: 9))
        try await expectRefused(Data("GGUF and more bytes than the header".utf8), .notAStateFile(path: badPath))
        await #expect(throws: SessionStateError.self) { try await target.restoreState(from: temporaryPath("missing.state")) }

        try await target.restoreState(from: statePath)
        #expect(await target.cachedTokens == stories.tokenize("One day a cat"))
    }
}
