import FixtureSupport
import Foundation
@testable import LlamaHub
import Testing

/// Seeded test data.
enum TestData {
    /// `count` bytes from SplitMix64 with `seed`.
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < count {
                var word = generator.next().littleEndian
                let take = min(8, count - offset)
                withUnsafeBytes(of: &word) { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: take) }
                offset += take
            }
        }
        return bytes
    }
}

/// A test's hub: a ``HubTestServer`` and a cache folder of its own, removed again by ``close()``.
final class TestHub: Sendable {
    let server: HubTestServer
    let cache: URL

    init() throws {
        server = try HubTestServer()
        cache = FileManager.default.temporaryDirectory.appendingPathComponent("llamahub-\(UUID().uuidString)", isDirectory: true)
    }

    /// A client of this hub and cache, with a short idle timeout so that stalls end quickly.
    func client(token: String? = nil, offline: Bool = false, idleTimeout: TimeInterval = 10) -> HubClient {
        var environment = ["HF_ENDPOINT": server.origin, "LLAMA_SWIFT_CACHE": cache.path]
        environment["HF_TOKEN"] = token
        var client = HubClient(environment: environment, offline: offline)
        client.idleTimeout = idleTimeout
        return client
    }

    /// Where the cache keeps `file` of `repository` at `main`.
    func cachedPath(_ repository: String, _ file: String) -> String {
        cache.appendingPathComponent(repository.replacingOccurrences(of: "/", with: "--"))
            .appendingPathComponent("main").appendingPathComponent(file).path
    }

    func close() {
        server.stop()
        try? FileManager.default.removeItem(at: cache)
    }
}

/// The ``HubError`` `body` throws, or `nil` when it returns; another error fails the test.
func hubError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async -> HubError? {
    do {
        _ = try await body()
        return nil
    } catch let error as HubError {
        return error
    } catch {
        Issue.record("threw \(error), which is not a HubError", sourceLocation: sourceLocation)
        return nil
    }
}

/// The bytes of the file at `path`.
func contents(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
