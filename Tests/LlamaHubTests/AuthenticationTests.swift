import Foundation
@testable import LlamaHub
import Testing

/// `HF_TOKEN` goes to the hub as a bearer token, and not to the CDN it redirects to.
@Suite struct AuthenticationTests {
    static let file = HubTestServer.ServedFile.random("gated.Q4_0.gguf", size: 1 << 20, seed: 30)

    @Test func tokenGoesToTheHubOnly() async throws {
        let hub = try TestHub()
        let cdn = try HubTestServer()
        defer {
            hub.close()
            cdn.stop()
        }
        for server in [hub.server, cdn] { server.addRepository("org/gated", files: [Self.file]) }
        hub.server.configure {
            $0.requiredToken = "hf_secret"
            $0.cdnOrigin = cdn.origin
        }
        let path = try await hub.client(token: "hf_secret").modelFile(try HubModelReference("org/gated:Q4_0"))
        #expect(try contents(path) == Self.file.bytes)
        #expect(hub.server.requests.count == 2)
        #expect(hub.server.requests.allSatisfy { $0.authorization == "Bearer hf_secret" })
        #expect(cdn.requests.map(\.target) == ["/cdn/\(Self.file.sha256)"])
        #expect(cdn.requests.allSatisfy { $0.authorization == nil })
    }

    @Test func missingTokenNamesHFToken() async throws {
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("org/gated", files: [Self.file])
        hub.server.configure { $0.requiredToken = "hf_secret" }
        let error = await hubError { try await hub.client().modelFile(try HubModelReference("org/gated", file: Self.file.path)) }
        #expect(error == .httpStatus(url: "\(hub.server.origin)/org/gated/resolve/main/\(Self.file.path)", status: 401))
        #expect(error?.description.contains("HF_TOKEN") == true)
        let wrong = await hubError { try await hub.client(token: "hf_wrong").modelFile(try HubModelReference("org/gated")) }
        #expect(wrong == .httpStatus(url: "\(hub.server.origin)/api/models/org/gated/tree/main?recursive=true", status: 401))
    }
}
