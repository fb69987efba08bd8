import Foundation
@testable import LlamaHub
import Testing

/// Choosing a file through the hub's (paged) listing, and remembering the choice.
@Suite struct QuantizationChoiceTests {
    static let files: [HubTestServer.ServedFile] = [
        .random("model.Q4_0.gguf", size: 100_000, seed: 10),
        .random("model.Q4_K_M.gguf", size: 110_000, seed: 11),
        .random("model.Q8_0.gguf", size: 120_000, seed: 12),
        .random("mmproj-model-f16.gguf", size: 90_000, seed: 13),
        .random("README.md", size: 100, seed: 14),
    ]

    func makeHub() throws -> TestHub {
        let hub = try TestHub()
        hub.server.addRepository("test/multi", files: Self.files)
        // Six entries with the folder, in pages of two.
        hub.server.configure { $0.treePageSize = 2 }
        return hub
    }

    @Test func quantizationPicksItsFile() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let path = try await hub.client().modelFile(try HubModelReference("test/multi:q8_0"))
        #expect(path == hub.cachedPath("test/multi", "model.Q8_0.gguf"))
        #expect(try contents(path) == Self.files[2].bytes)
        #expect(hub.server.requests.filter { $0.target.hasPrefix("/api/") }.count == 3)

        // The choice is remembered, whatever the case of the quantization.
        hub.server.clearRequests()
        #expect(try await hub.client().modelFile(try HubModelReference("test/multi:Q8_0")) == path)
        #expect(hub.server.requests.isEmpty)
        #expect(FileManager.default.fileExists(atPath: hub.cache.appendingPathComponent("test--multi/main/.choices.json").path))
    }

    @Test func noQuantizationPicksQ4KM() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let path = try await hub.client().modelFile(try HubModelReference("test/multi"))
        #expect(path == hub.cachedPath("test/multi", "model.Q4_K_M.gguf"))
        #expect(try contents(path) == Self.files[1].bytes)
    }

    @Test func unknownQuantizationListsTheFiles() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let error = await hubError { try await hub.client().modelFile(try HubModelReference("test/multi:Q2_K")) }
        #expect(error == .noMatchingFile(
            repository: "test/multi", quantization: "Q2_K",
            available: ["mmproj-model-f16.gguf", "model.Q4_0.gguf", "model.Q4_K_M.gguf", "model.Q8_0.gguf"]))
        #expect(error?.description.contains("model.Q4_0.gguf, model.Q4_K_M.gguf") == true)
        #expect(!hub.server.requests.contains { $0.method == "HEAD" })
    }

    @Test func splitModelIsRefused() async throws {
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("test/split", files: [
            .random("big-Q4_K_M-00001-of-00002.gguf", size: 1000, seed: 20),
            .random("big-Q4_K_M-00002-of-00002.gguf", size: 1000, seed: 21),
        ])
        let error = await hubError { try await hub.client().modelFile(try HubModelReference("test/split:Q4_K_M")) }
        #expect(error == .splitModelUnsupported(repository: "test/split", file: "big-Q4_K_M-00001-of-00002.gguf"))
        #expect(error?.description.contains("split") == true)
    }
}
