import Foundation
@testable import LlamaHub
import Testing

/// What ``HubClient/init(environment:offline:)`` reads from the environment.
@Suite struct HubClientEnvironmentTests {
    @Test func defaults() {
        let client = HubClient(environment: ["HOME": "/home/user"])
        #expect(client.endpoint.absoluteString == "https://huggingface.co")
        #expect(client.token == nil)
        #expect(client.offline == false)
        #if canImport(Darwin)
        #expect(client.cacheDirectory.path == "/home/user/Library/Caches/llama-swift")
        #else
        #expect(client.cacheDirectory.path == "/home/user/.cache/llama-swift")
        #endif
    }

    @Test func cacheFolderOrder() {
        let xdg = HubClient(environment: ["HOME": "/home/user", "XDG_CACHE_HOME": "/var/cache/user"])
        #expect(xdg.cacheDirectory.path == "/var/cache/user/llama-swift")
        let relativeXDG = HubClient(environment: ["HOME": "/home/user", "XDG_CACHE_HOME": "relative"])
        #expect(!relativeXDG.cacheDirectory.path.contains("relative"))
        let explicit = HubClient(environment: ["HOME": "/home/user", "XDG_CACHE_HOME": "/var/cache/user", "LLAMA_SWIFT_CACHE": "/models"])
        #expect(explicit.cacheDirectory.path == "/models")
    }

    @Test func endpointTokenAndOffline() {
        let client = HubClient(environment: ["HF_ENDPOINT": "http://mirror.example:8080/", "HF_TOKEN": "hf_abc"], offline: true)
        #expect(client.endpoint.absoluteString == "http://mirror.example:8080")
        #expect(client.token == "hf_abc")
        #expect(client.offline)
        #expect(HubClient(environment: ["HF_TOKEN": ""]).token == nil)
    }

    /// An endpoint that is not http(s) fails before any request, naming the endpoint.
    @Test func endpointMustBeHTTP() async throws {
        let client = HubClient(environment: ["HF_ENDPOINT": "ftp://mirror.example", "LLAMA_SWIFT_CACHE": "/nonexistent-llamahub-cache"])
        let reference = try HubModelReference("o/n:Q4_0")
        let error = await hubError { try await client.modelFile(reference) }
        #expect(error == .invalidEndpoint("ftp://mirror.example"))
        #expect(error?.description.contains("HF_ENDPOINT") == true)
    }
}
