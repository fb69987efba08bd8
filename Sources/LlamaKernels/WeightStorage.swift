#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The memory of a matrix the kernels copy at load time, in whatever ``WeightLayout`` the copy
/// takes, freed with the last ``WeightMatrix`` that reads it.
///
/// It is aligned to 2 MiB and, on Linux, its whole 2 MiB pages are marked for transparent huge
/// pages before they are first written (where the system leaves huge pages to `madvise`), so that
/// streaming a large matrix every token walks one page table entry per 2 MiB instead of per 4 KiB.
/// The last partial 2 MiB keeps ordinary pages, so no huge page is committed beyond the data.
final class WeightStorage: @unchecked Sendable {
    static let alignment = 2 << 20

    /// The bytes; written once by whoever made the storage, before any matrix reads them.
    let bytes: UnsafeMutableRawPointer

    /// `byteCount` uninitialised bytes.
    init(byteCount: Int) {
        let size = max(1, byteCount)
        bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
        #if os(Linux)
        if size >= Self.alignment { _ = madvise(bytes, size / Self.alignment * Self.alignment, 14 /* MADV_HUGEPAGE */) }
        #endif
    }

    deinit { bytes.deallocate() }

    /// A copy of the file-layout `matrix`'s blocks, in the layout of `repacked` when given (a
    /// repacking of `matrix.format`), made in slices split over `pool`; `copied` receives each
    /// slice's range of bytes once it is done.
    static func copy(of matrix: WeightMatrix, repacked: (any RepackedFormat.Type)?, pool: ThreadPool,
                     copied: ((Range<Int>) -> Void)?) -> WeightStorage {
        let count = matrix.rows * matrix.rowBytes
        let storage = WeightStorage(byteCount: count)
        let bytes = storage.bytes, blockBytes = matrix.format.blockBytes
        let slice = (1 << 20) / blockBytes * blockBytes
        pool.parallelFor((count + slice - 1) / slice) { i in
            let start = i * slice, size = min(slice, count - start)
            if let repacked {
                repacked.repack(matrix.data + start, bytes + start, blocks: size / blockBytes)
            } else {
                (bytes + start).copyMemory(from: matrix.data + start, byteCount: size)
            }
            copied?(start..<start + size)
        }
        return storage
    }
}
