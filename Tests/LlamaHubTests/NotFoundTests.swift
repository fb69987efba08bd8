import Foundation
@testable import LlamaHub
import Testing

/// A 404 from the hub names what is missing.
@Suite struct NotFoundTests {
    @Test func unknownRepository() async throws {
        let hub = try TestHub()
        defer { hub.close() }
        let error = await hubError { try await hub.client().modelFile(try HubModelReference("nobody/nothing:Q4_0")) }
        #expect(error == .notFound(
            repository: "nobody/nothing", revision: "main", file: nil,
            url: "\(hub.server.origin)/api/models/nobody/nothing/tree/main?recursive=true"))
        #expect(error?.description.contains("repository 'nobody/nothing' (revision 'main') not found") == true)
    }

    @Test func unknownFile() async throws {
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("test/model", files: [.random("m.Q4_0.gguf", size: 100, seed: 40)])
        let error = await hubError { try await hub.client().modelFile(try HubModelReference("test/model", file: "missing.gguf")) }
        #expect(error == .notFound(
            repository: "test/model", revision: "main", file: "missing.gguf",
            url: "\(hub.server.origin)/test/model/resolve/main/missing.gguf"))
        #expect(error?.description.contains("file 'missing.gguf' not found in repository 'test/model'") == true)
        #expect(!FileManager.default.fileExists(atPath: hub.cachedPath("test/model", "missing.gguf.partial")))
    }
}
