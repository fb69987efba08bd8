import Foundation
import Logging

/// A download's `.partial` file, open and locked for the time of one download so that two
/// downloads of the same file (two processes, or two calls) cannot write into it together.
final class PartialFile {
    private static let logger = Logger(label: "LlamaSwift.Hub")

    let location: URL
    private let handle: FileHandle
    /// The bytes in the file, which is where the next write goes.
    private(set) var size: Int64

    /// Opens (or creates) the file at `location`, with its folders.
    init(at location: URL) throws(HubError) {
        self.location = location
        do {
            try FileManager.default.createDirectory(at: location.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: location.deletingLastPathComponent().path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let descriptor = open(location.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .fileSystem(path: location.path, reason: "cannot open: \(Self.lastError())") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? "another download of this file is under way" : "cannot lock: \(Self.lastError())"
            close(descriptor)
            throw .fileSystem(path: location.path, reason: reason)
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            size = Int64(try handle.seekToEnd())
        } catch {
            throw .fileSystem(path: location.path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    /// The SHA-256 state after the bytes already in the file, read in pieces.
    func hashContents() throws(HubError) -> SHA256 {
        var hasher = SHA256()
        do {
            try handle.seek(toOffset: 0)
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(chunk)
            }
            size = Int64(try handle.seekToEnd())
        } catch {
            throw .fileSystem(path: location.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return hasher
    }

    /// Empties the file, for a download that starts over.
    func truncate() throws(HubError) {
        do {
            try handle.truncate(atOffset: 0)
        } catch {
            throw .fileSystem(path: location.path, reason: "cannot truncate: \(error.localizedDescription)")
        }
        size = 0
    }

    /// Adds `data` at the end.
    func append(_ data: Data) throws(HubError) {
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw .fileSystem(path: location.path, reason: "cannot write: \(error.localizedDescription)")
        }
        size += Int64(data.count)
    }

    /// Flushes the file to disk and gives it its final name in one step, so that a file at
    /// the final name is always complete.
    func finish(as final: URL) throws(HubError) {
        do {
            try handle.synchronize()
        } catch {
            throw .fileSystem(path: location.path, reason: "cannot flush: \(error.localizedDescription)")
        }
        guard rename(location.path, final.path) == 0 else {
            throw .fileSystem(path: final.path, reason: "cannot rename \(location.lastPathComponent) to it: \(Self.lastError())")
        }
    }

    /// Deletes the file, for a download whose bytes are wrong.
    func remove() {
        do {
            try FileManager.default.removeItem(at: location)
        } catch {
            Self.logger.warning("cannot delete \(location.path): \(error.localizedDescription)")
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
