#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written so that a crash, a kill or a full disk mid-write leaves under its final name
/// either the previous file or none, never a partial one.
///
/// The bytes go to a temporary file in the same folder (so the rename stays on one file system);
/// ``commit()`` flushes them to the disk with `fsync`, renames the temporary file over the final
/// name and flushes the folder, so the rename itself survives a power cut. A file never committed
/// is removed when the value is released.
///
/// ```swift
/// let file = try AtomicFile(path: "model-q4.gguf")
/// try file.write(header)
/// try file.write(tensorBytes)
/// try file.commit()
/// ```
public final class AtomicFile {
    /// The final name.
    public let path: String
    /// The temporary file the bytes go to until ``commit()``.
    public let temporaryPath: String
    /// The folder of both, which ``commit()`` flushes after the rename.
    private let folder: String
    private var descriptor: Int32

    /// Creates the temporary file beside `path`.
    /// - Throws: ``GGUFError/writeFailed(path:reason:)`` when the folder cannot take a new file.
    public init(path: String) throws(GGUFError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        self.folder = folder
        // mkstemp replaces the six X with a unique suffix and opens the file 0600, exclusively.
        var template = Array("\(folder == "/" ? "" : folder)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .writeFailed(path: path, reason: "cannot create a temporary file beside it: \(Self.errnoText())")
        }
        self.descriptor = descriptor
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // The final file gets the usual permissions (0666 less the umask), not mkstemp's 0600.
        let mask = umask(0)
        umask(mask)
        fchmod(descriptor, 0o666 & ~mask)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) {
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: "the file was already committed") }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw .writeFailed(path: temporaryPath, reason: written == 0 ? String(cString: strerror(EIO)) : Self.errnoText())
            }
            offset += written
        }
    }

    /// Appends the first `count` of `bytes` (all of them by default) to the temporary file.
    public func write(_ bytes: [UInt8], count: Int? = nil) throws(GGUFError) {
        let failure = bytes.withUnsafeBytes { (buffer) -> GGUFError? in
            do throws(GGUFError) {
                try write(UnsafeRawBufferPointer(rebasing: buffer[0..<(count ?? bytes.count)]))
            } catch {
                return error
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Flushes the bytes to the disk and moves the file to its final name, replacing what was there.
    public func commit() throws(GGUFError) {
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: "the file was already committed") }
        guard fsync(descriptor) == 0 else { throw .writeFailed(path: temporaryPath, reason: "fsync: \(Self.errnoText())") }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else {
            unlink(temporaryPath)
            throw .writeFailed(path: temporaryPath, reason: "close: \(Self.errnoText())")
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = Self.errnoText()
            unlink(temporaryPath)
            throw .writeFailed(path: path, reason: "rename from \(temporaryPath): \(reason)")
        }
        // The rename is an entry of the folder: flushing the folder makes it durable. Some file
        // systems refuse to fsync a folder; the file is in place either way.
        let folderDescriptor = open(folder, O_RDONLY)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// The C library's `write`, named apart from ``AtomicFile``'s own.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    Musl.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
