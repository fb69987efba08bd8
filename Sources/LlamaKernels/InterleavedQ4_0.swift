/// A Q4_0 matrix rearranged so that the native x86 kernels read eight rows at once.
///
/// Rows are taken in groups of eight. For each group and each block of 32 columns, 144 bytes (as
/// many as the group's eight Q4_0 blocks): the eight rows' half-precision scales, then four runs
/// of 32 bytes where run `j` holds, for row `r`, bytes `4j..<4j+4` of that row's 16 code bytes
/// (low nibbles: codes `4j..<4j+4`, high nibbles: codes `16+4j..<16+4j+4`). Groups follow one
/// another, each with its blocks in column order.
///
/// A 32-bit lane of a run thus holds four codes of one row, which lets one multiply-add of a
/// run with four activation bytes repeated in every lane advance eight rows' dot products at
/// once: the scales, conversions and final sums are shared by eight rows instead of paid per row.
/// This is the layout the products use when ``Kernels/prepared(_:pool:)`` made one; the values are
/// those of the original matrix, bit for bit.
final class InterleavedQ4_0: @unchecked Sendable {
    static let groupRows = 8
    static let groupBlockBytes = 144

    let rows: Int
    let blocks: Int
    /// `rows / 8` groups of `blocks × 144` bytes; written once in `init`, read-only afterwards.
    let data: UnsafeMutableRawPointer

    /// Bytes of one group of eight rows.
    var groupBytes: Int { blocks * Self.groupBlockBytes }

    /// Rearranges `matrix` (Q4_0, rows a multiple of 8), splitting the groups over `pool`, and
    /// passes `copied` each range of `matrix`'s bytes as soon as it has been read.
    init(_ matrix: WeightMatrix, pool: ThreadPool, copied: ((Range<Int>) -> Void)?) {
        precondition(matrix.type == .q4_0 && matrix.rows % Self.groupRows == 0)
        rows = matrix.rows
        blocks = matrix.columns / 32
        data = WeightStorage.allocate(byteCount: rows / 8 * blocks * Self.groupBlockBytes)
        let groups = rows / 8, blocks = blocks, data = data
        let step = max(1, groups / (pool.threadCount * 4))
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                for b in 0..<blocks {
                    let out = data + (g * blocks + b) * Self.groupBlockBytes
                    for r in 0..<8 {
                        let block = matrix.row(g * 8 + r) + b * 18
                        out.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
                        for j in 0..<4 {
                            let word = block.loadUnaligned(fromByteOffset: 2 + 4 * j, as: UInt32.self)
                            out.storeBytes(of: word, toByteOffset: 16 + 32 * j + 4 * r, as: UInt32.self)
                        }
                    }
                }
            }
            let rows = task * step * 8..<min(groups, task * step + step) * 8
            copied?(rows.lowerBound * matrix.rowBytes..<rows.upperBound * matrix.rowBytes)
        }
    }

    deinit { data.deallocate() }
}
