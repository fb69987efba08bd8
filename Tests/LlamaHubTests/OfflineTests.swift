import Foundation
@testable import LlamaHub
import Testing

/// Offline, only the cache answers.
@Suite struct OfflineTests {
    @Test func emptyCacheFailsWithoutARequest() async throws {
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("test/model", files: [.random("m.Q8_0.gguf", size: 1000, seed: 2)])
        let reference = try HubModelReference("test/model:Q8_0")
        let error = await hubError { try await hub.client(offline: true).modelFile(reference) }
        #expect(error == .notInCache(reference: "test/model:Q8_0", cachePath: hub.cache.appendingPathComponent("test--model/main").path))
        let message = error?.description ?? ""
        #expect(message.contains("test/model:Q8_0"))
        #expect(message.contains("offline"))
        #expect(message.contains(hub.cache.path))

        let exact = try HubModelReference("test/model", file: "m.Q8_0.gguf")
        #expect(await hubError { try await hub.client(offline: true).modelFile(exact) }
            == .notInCache(reference: "test/model (file m.Q8_0.gguf)", cachePath: hub.cachedPath("test/model", "m.Q8_0.gguf")))
        #expect(hub.server.requests.isEmpty)
    }

    @Test func afterADownloadOfflineNeedsNoRequest() async throws {
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("test/model", files: [.random("m.Q8_0.gguf", size: 1 << 20, seed: 3)])
        let reference = try HubModelReference("test/model:q8_0")
        let online = try await hub.client().modelFile(reference)
        hub.server.clearRequests()
        #expect(try await hub.client(offline: true).modelFile(reference) == online)
        #expect(try await hub.client(offline: true).modelFile(try HubModelReference("test/model", file: "m.Q8_0.gguf")) == online)
        #expect(hub.server.requests.isEmpty)
    }
}
