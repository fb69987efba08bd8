#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file memory-mapped read-only. Pages are read from disk only when touched,
/// so opening a multi-gigabyte model costs nothing until its tensors are used. It can also hold
/// a copy of bytes from memory, for a file that never was on a disk.
final class MappedFile: @unchecked Sendable {
    // The bytes are never written after init and are released only in deinit,
    // so sharing them between threads is safe.
    let bytes: UnsafeRawBufferPointer
    let path: String
    /// Whether `bytes` is an allocated copy rather than a mapping.
    private let isCopy: Bool

    /// A copy of `source`, named `name` in errors.
    init(copying source: UnsafeRawBufferPointer, name: String) {
        path = name
        isCopy = true
        // 64-byte alignment, as a mapping's page alignment gives, so tensor data keep theirs.
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        if !source.isEmpty { storage.copyMemory(from: source) }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<source.count])
    }

    init(path: String) throws(GGUFError) {
        self.path = path
        isCopy = false
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: MappedFile.errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: MappedFile.errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .cannotOpen(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: "mmap failed: \(MappedFile.errnoText())")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if isCopy {
            bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
        } else if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
