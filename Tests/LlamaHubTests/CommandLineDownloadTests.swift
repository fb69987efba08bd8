import FixtureSupport
import Foundation
import Testing

/// `llama-swift -hf`: a model from the (test) hub, then from the cache with `--offline`.
@Suite(.fixtures("stories260K.gguf"))
struct CommandLineDownloadTests {
    private func run(_ arguments: [String], hub: TestHub) throws -> Tool.Result {
        try Tool.run(
            program: Tool.productsDirectory.appendingPathComponent("llama-swift"), arguments,
            environment: ["HF_ENDPOINT": hub.server.origin, "LLAMA_SWIFT_CACHE": hub.cache.path])
    }

    @Test func downloadsThenRunsOfflineFromTheCache() throws {
        let fixture = try Fixtures.path("stories260K.gguf")
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("karpathy/tinyllamas", files: [
            HubTestServer.ServedFile(path: "stories260K.gguf", bytes: try contents(fixture)),
            HubTestServer.ServedFile.random("stories260K-Q8_0.gguf", size: 1000, seed: 1),
        ])
        let generate = ["-p", "Once upon a time", "-n", "12", "--temp", "0", "-t", "1"]
        let local = try Tool.run("llama-swift", ["-m", fixture] + generate)
        let downloaded = try run(["-hf", "karpathy/tinyllamas", "--hf-file", "stories260K.gguf"] + generate, hub: hub)
        #expect(downloaded.status == 0, "\(downloaded.stderr)")
        #expect(downloaded.stdout == local.stdout)
        #expect(try contents(hub.cachedPath("karpathy/tinyllamas", "stories260K.gguf")) == (try contents(fixture)))

        hub.server.clearRequests()
        let offline = try run(["-hf", "karpathy/tinyllamas", "--hf-file", "stories260K.gguf", "--offline"] + generate, hub: hub)
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stdout == local.stdout)
        #expect(hub.server.requests.isEmpty)
    }

    @Test func offlineWithAnEmptyCacheFailsClearly() throws {
        let hub = try TestHub()
        defer { hub.close() }
        let result = try run(["-hf", "karpathy/tinyllamas:Q8_0", "--offline", "-p", "x", "-n", "1"], hub: hub)
        #expect(result.status != 0)
        #expect(result.stderr.contains("karpathy/tinyllamas:Q8_0"), "\(result.stderr)")
        #expect(result.stderr.contains("offline"), "\(result.stderr)")
        #expect(hub.server.requests.isEmpty)
    }
}
