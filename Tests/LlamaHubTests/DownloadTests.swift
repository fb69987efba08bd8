import FixtureSupport
import Foundation
@testable import LlamaHub
import Synchronization
import Testing

/// Downloads from ``HubTestServer``: progress, the cache, resuming, and refusing wrong bytes.
@Suite struct DownloadTests {
    static let repository = "test/model"
    static let fileName = "model.Q4_K_M.gguf"
    /// Three MiB and a bit, so that progress has several steps and cuts fall inside a MiB.
    static let model = HubTestServer.ServedFile.random(fileName, size: 3 << 20 | 12345, seed: 1)

    func makeHub() throws -> TestHub {
        let hub = try TestHub()
        hub.server.addRepository(Self.repository, files: [Self.model])
        return hub
    }

    @Test func downloadReportsProgressAndWritesTheServedBytes() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let reports = Mutex<[HubDownloadProgress]>([])
        let path = try await hub.client().modelFile(try HubModelReference(Self.repository)) { report in
            reports.withLock { $0.append(report) }
        }
        #expect(path == hub.cachedPath(Self.repository, Self.fileName))
        #expect(try contents(path) == Self.model.bytes)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))

        let progress = reports.withLock { $0 }
        let total = Int64(Self.model.bytes.count)
        #expect(progress.count >= 4, "a report at the start, one a MiB, one at the end")
        #expect(progress.allSatisfy { $0.file == Self.fileName && $0.totalBytes == total })
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0.receivedBytes < $1.receivedBytes })
        #expect(progress.first?.receivedBytes == 0)
        #expect(progress.last?.receivedBytes == total)

        let requests = hub.server.requests.map { "\($0.method) \($0.target)" }
        #expect(requests == [
            "GET /api/models/test/model/tree/main?recursive=true",
            "HEAD /test/model/resolve/main/\(Self.fileName)",
            "GET /cdn/\(Self.model.sha256)",
        ])
    }

    @Test func secondCallUsesTheCacheWithoutARequest() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let byQuantization = try HubModelReference(Self.repository)
        let byFile = try HubModelReference(Self.repository, file: Self.fileName)
        let first = try await hub.client().modelFile(byQuantization)
        hub.server.clearRequests()

        #expect(try await hub.client().modelFile(byQuantization) == first)
        #expect(try await hub.client().modelFile(byFile) == first)
        #expect(hub.server.requests.isEmpty)
    }

    @Test func interruptedDownloadKeepsThePartialAndResumes() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let cut = 1_234_567
        hub.server.configure { $0.cutAfter = cut }
        let reference = try HubModelReference(Self.repository, file: Self.fileName)
        let final = hub.cachedPath(Self.repository, Self.fileName)

        let error = await hubError { try await hub.client().modelFile(reference) }
        guard case .interrupted(Self.repository, Self.fileName, let received, let total, let partialPath, _) = error else {
            Issue.record("expected an interruption, got \(String(describing: error))")
            return
        }
        #expect(received == Int64(cut))
        #expect(total == Int64(Self.model.bytes.count))
        #expect(partialPath == final + ".partial")
        #expect(try contents(partialPath) == Array(Self.model.bytes.prefix(cut)))
        #expect(!FileManager.default.fileExists(atPath: final))
        #expect(error?.description.contains("is kept") == true)

        hub.server.clearRequests()
        let reports = Mutex<[HubDownloadProgress]>([])
        let path = try await hub.client().modelFile(reference) { report in reports.withLock { $0.append(report) } }
        #expect(path == final)
        #expect(HubTestServer.sha256(try contents(path)) == Self.model.sha256)
        #expect(!FileManager.default.fileExists(atPath: partialPath))
        let download = hub.server.requests.filter { $0.target.hasPrefix("/cdn/") }
        #expect(download.map(\.range) == ["bytes=\(cut)-"])
        #expect(reports.withLock { $0.first?.receivedBytes } == Int64(cut))
    }

    @Test func corruptedBodyIsRefusedAndNothingIsKept() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        hub.server.configure { $0.corrupt = true }
        var corrupted = Self.model.bytes
        corrupted[corrupted.count / 2] ^= 0xff

        let error = await hubError { try await hub.client().modelFile(try HubModelReference(Self.repository, file: Self.fileName)) }
        #expect(error == .checksumMismatch(
            repository: Self.repository, file: Self.fileName, expected: Self.model.sha256, actual: HubTestServer.sha256(corrupted)))
        let final = hub.cachedPath(Self.repository, Self.fileName)
        #expect(!FileManager.default.fileExists(atPath: final))
        #expect(!FileManager.default.fileExists(atPath: final + ".partial"))
    }

    /// A server that answers a range with the whole file: the download starts over and is right.
    @Test func serverIgnoringTheRangeStartsOver() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let cut = 700_000
        hub.server.configure {
            $0.cutAfter = cut
            $0.ignoresRange = true
        }
        let reference = try HubModelReference(Self.repository, file: Self.fileName)
        let error = await hubError { try await hub.client().modelFile(reference) }
        guard case .interrupted = error else {
            Issue.record("expected an interruption, got \(String(describing: error))")
            return
        }
        hub.server.clearRequests()
        let path = try await hub.client().modelFile(reference)
        #expect(try contents(path) == Self.model.bytes)
        #expect(hub.server.requests.filter { $0.target.hasPrefix("/cdn/") }.map(\.range) == ["bytes=\(cut)-"])
    }

    /// A body that stops arriving ends at the idle timeout, keeping what came.
    @Test func stalledDownloadTimesOutAndResumes() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let stall = 300_000
        hub.server.configure { $0.stallAfter = stall }
        let reference = try HubModelReference(Self.repository, file: Self.fileName)
        let error = await hubError { try await hub.client(idleTimeout: 1).modelFile(reference) }
        guard case .interrupted(_, _, let received, _, _, let reason) = error else {
            Issue.record("expected an interruption, got \(String(describing: error))")
            return
        }
        #expect(received == Int64(stall))
        #expect(reason.contains("nothing arrived"))
        let path = try await hub.client().modelFile(reference)
        #expect(try contents(path) == Self.model.bytes)
    }

    /// A partial file that is already whole is checked and renamed, with no `GET`.
    @Test func completePartialNeedsNoDownload() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        let final = hub.cachedPath(Self.repository, Self.fileName)
        try FileManager.default.createDirectory(atPath: (final as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(Self.model.bytes).write(to: URL(fileURLWithPath: final + ".partial"))

        let path = try await hub.client().modelFile(try HubModelReference(Self.repository, file: Self.fileName))
        #expect(path == final)
        #expect(try contents(path) == Self.model.bytes)
        #expect(hub.server.requests.map(\.method) == ["HEAD"])
    }

    /// Files outside LFS: the resolve URL answers 200 with the bytes and no sha256, so the size is checked.
    @Test func directlyServedFile() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        hub.server.configure { $0.servesDirectly = true }
        let path = try await hub.client().modelFile(try HubModelReference(Self.repository, file: Self.fileName))
        #expect(try contents(path) == Self.model.bytes)
        let requests = hub.server.requests.map { "\($0.method) \($0.target)" }
        #expect(requests == ["HEAD /test/model/resolve/main/\(Self.fileName)", "GET /test/model/resolve/main/\(Self.fileName)"])
    }

    /// Without `X-Linked-Etag`, the sha256 from the listing's LFS object id still catches wrong bytes.
    @Test func listedSHA256ChecksADirectlyServedFile() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        hub.server.configure {
            $0.servesDirectly = true
            $0.corrupt = true
        }
        let error = await hubError { try await hub.client().modelFile(try HubModelReference(Self.repository)) }
        guard case .checksumMismatch(Self.repository, Self.fileName, Self.model.sha256, _) = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
    }

    /// A second download of a file that is downloading is refused; cancelling the first keeps its partial.
    @Test func concurrentDownloadOfOneFileIsRefused() async throws {
        let hub = try makeHub()
        defer { hub.close() }
        hub.server.configure { $0.stallAfter = 100_000 }
        let reference = try HubModelReference(Self.repository, file: Self.fileName)
        // No idle timeout can end the stalled download first, however busy the machine: only the cancel.
        let client = hub.client(idleTimeout: 3600)
        let first = Task { await hubError { try await client.modelFile(reference) } }
        let deadline = ContinuousClock.now + .seconds(300)
        while !hub.server.requests.contains(where: { $0.target.hasPrefix("/cdn/") }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(hub.server.requests.contains { $0.target.hasPrefix("/cdn/") }, "the first download never reached the CDN")
        let second = await hubError { try await client.modelFile(reference) }
        let partial = hub.cachedPath(Self.repository, Self.fileName) + ".partial"
        #expect(second == .fileSystem(path: partial, reason: "another download of this file is under way"))
        first.cancel()
        let outcome = await first.value
        // The server stays quiet until the client hangs up, so only the cancel ends it.
        guard case .interrupted(_, _, _, _, partial, _) = outcome else {
            Issue.record("expected the cancelled download to be interrupted, got \(String(describing: outcome))")
            return
        }
        #expect(FileManager.default.fileExists(atPath: partial))
    }

    @Test(.fixtures("stories260K.gguf")) func fixtureModel() async throws {
        let bytes = try contents(try Fixtures.path("stories260K.gguf"))
        let hub = try TestHub()
        defer { hub.close() }
        hub.server.addRepository("karpathy/tinyllamas", files: [HubTestServer.ServedFile(path: "stories260K.gguf", bytes: bytes)])
        let path = try await hub.client().modelFile(try HubModelReference("karpathy/tinyllamas"))
        #expect(path.hasSuffix("karpathy--tinyllamas/main/stories260K.gguf"))
        #expect(try contents(path) == bytes)
    }
}
