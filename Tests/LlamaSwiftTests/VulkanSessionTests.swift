import FixtureSupport
import Foundation
import LlamaSwift
import Testing

/// Sessions on the Vulkan backend: their state saved and restored, and many of them on one
/// model's weights, uploaded once.
@Suite(
    "Vulkan sessions", .serialized,
    .enabled(if: ComputeBackend.isAvailable(.vulkan), "no Vulkan device (or built without the Vulkan trait)"))
struct VulkanSessionTests {
    static let fixture = "synthetic/tiny-llama2-Q4_0.gguf"

    @Test("a restored state gives the next-token logits of recomputing", .fixtures(fixture))
    func restoreMatchesRecompute() async throws {
        let model = try LlamaModel(path: try Fixtures.path(Self.fixture), threads: 2, computeBackend: .vulkan)
        let prompt = model.tokenize("The old lighthouse keeper climbed the stairs every evening, counting ships on the grey horizon.")
        let next = prompt[3]
        let statePath = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-\(UUID().uuidString).state").path
        defer { try? FileManager.default.removeItem(atPath: statePath) }

        let recomputing = try model.makeSession(contextSize: 128)
        _ = try await recomputing.append(prompt)
        try await recomputing.saveState(to: statePath)
        let expected = try await recomputing.append([next])

        let restoring = try model.makeSession(contextSize: 128)
        let restored = try await restoring.restoreState(from: statePath)
        let logits = try await restoring.append([next])
        #expect(restored == prompt.count)
        #expect(await restoring.cachedTokens == prompt + [next])
        #expect(logits == expected)
    }

    @Test("four sessions of one model hold one copy of its weights on the device", .fixtures(fixture))
    func sessionsShareTheWeights() async throws {
        let model = try LlamaModel(path: try Fixtures.path(Self.fixture), threads: 2, computeBackend: .vulkan)
        let loaded = try #require(model.deviceMemoryBytes)
        #expect(loaded >= model.weightByteCount)
        let prompt = model.tokenize("Once upon a time")

        // Each session's share is its cache and its working buffers; the weights are not among them.
        var sessions: [LlamaSession] = []
        var held: [Int] = []
        for _ in 0..<4 {
            let session = try model.makeSession(contextSize: 64)
            _ = try await session.append(prompt)
            sessions.append(session)
            held.append(try #require(model.deviceMemoryBytes))
        }
        let one = held[0] - loaded, four = held[3] - loaded
        print("device memory: \(loaded) bytes loaded, \(held[0]) with 1 session, \(held[3]) with 4 (weights \(model.weightByteCount))")
        #expect(one > 0)
        #expect(one < model.weightByteCount)
        // The first session also sizes the backend's shared scratch; later ones add the same amount each.
        #expect(held[3] - held[2] == held[2] - held[1])
        #expect(four <= 4 * one)
        #expect(held[3] < loaded + model.weightByteCount)
        withExtendedLifetime(sessions) {}
    }
}
