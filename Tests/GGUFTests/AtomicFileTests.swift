import Foundation
import GGUF
import Testing

/// ``AtomicFile``: nothing under the final name until the commit, then all of it.
@Suite struct AtomicFileTests {
    static func folder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func nothingUnderTheNameUntilTheCommit() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.bin"
        try Data([9, 9]).write(to: URL(fileURLWithPath: path))
        let file = try AtomicFile(path: path)
        try file.write([1, 2, 3, 4], count: 3)
        #expect(FileManager.default.contents(atPath: path) == Data([9, 9]))
        #expect(FileManager.default.fileExists(atPath: file.temporaryPath))
        #expect(file.temporaryPath.hasPrefix(folder + "/.out.bin.tmp-"))
        try file.commit()
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.bin"])
        #expect(throws: GGUFError.self) { try file.write([5]) }
    }

    @Test func anUncommittedFileLeavesNothing() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let file = try AtomicFile(path: folder + "/out.bin")
            try file.write([1, 2, 3])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func aMissingFolderIsAnErrorNamingThePath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/out.bin"
        do {
            _ = try AtomicFile(path: path)
            Issue.record("expected an error")
        } catch {
            guard case .writeFailed(path, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.contains("No such file"), "\(reason)")
        }
    }
}
