#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Memory for weights the kernels copy at load time: aligned to 2 MiB and, on Linux, its whole
/// 2 MiB pages marked for transparent huge pages before it is first written (where the system
/// leaves huge pages to `madvise`), so that streaming a large matrix every token walks one page
/// table entry per 2 MiB instead of per 4 KiB. The last partial 2 MiB keeps ordinary pages, so
/// no huge page is committed beyond the data.
enum WeightStorage {
    static let alignment = 2 << 20

    /// `byteCount` bytes, uninitialised; release them with `deallocate()`.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = max(1, byteCount)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
        #if os(Linux)
        if size >= alignment { _ = madvise(memory, size / alignment * alignment, 14 /* MADV_HUGEPAGE */) }
        #endif
        return memory
    }
}

/// A matrix's blocks copied into ``WeightStorage``, as they are or in their format's repacked
/// layout, freed with the last ``WeightMatrix`` that reads them.
final class WeightCopy: @unchecked Sendable {
    /// The copy; written once in `init`, read-only afterwards.
    let bytes: UnsafeMutableRawPointer
    /// The layout of the copied blocks.
    let format: any BlockFormat.Type

    /// Copies `matrix`'s blocks, in the layout of `repacked` when given (a repacking of
    /// `matrix.format`), in slices split over `pool`, passing `copied` each slice's range of
    /// bytes once it is done.
    init(_ matrix: WeightMatrix, repacked: (any RepackedFormat.Type)?, pool: ThreadPool, copied: ((Range<Int>) -> Void)?) {
        let count = matrix.rows * matrix.rowBytes
        let bytes = WeightStorage.allocate(byteCount: count)
        let blockBytes = matrix.format.blockBytes
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
        self.bytes = bytes
        format = repacked ?? matrix.format
    }

    deinit { bytes.deallocate() }
}
