/// A Q4_0 or Q4_1 matrix rearranged so that the native x86 kernels read eight rows at once.
///
/// Rows are taken in groups of eight. For each group and each block of 32 columns, as many bytes
/// as the group's eight blocks: the eight rows' half-precision scales, for Q4_1 then their eight
/// minimums, then four runs of 32 bytes where run `j` holds, for row `r`, bytes `4j..<4j+4` of
/// that row's 16 code bytes (low nibbles: codes `4j..<4j+4`, high nibbles: codes
/// `16+4j..<16+4j+4`). Groups follow one another, each with its blocks in column order.
///
/// A 32-bit lane of a run thus holds four codes of one row, which lets one multiply-add of a
/// run with four activation bytes repeated in every lane advance eight rows' dot products at
/// once: the scales, conversions and final sums are shared by eight rows instead of paid per row.
/// This is the layout the products use when ``Kernels/prepared(_:pool:copied:)`` made one; the
/// values are those of the original matrix, bit for bit.
final class InterleavedQ4: @unchecked Sendable {
    static let groupRows = 8

    let rows: Int
    let blocks: Int
    /// Whether blocks carry a minimum (Q4_1); without one (Q4_0) a weight is d·(code − 8).
    let hasMinimum: Bool
    /// Bytes of one block of eight rows: 144 for Q4_0, 160 for Q4_1.
    let blockBytes: Int
    /// `rows / 8` groups of `blocks × blockBytes` bytes; written once in `init`, read-only afterwards.
    let data: UnsafeMutableRawPointer

    /// Bytes before the runs in a block of eight rows: the scales, and the minimums for Q4_1.
    var headerBytes: Int { blockBytes - 128 }

    /// Bytes of one group of eight rows.
    var groupBytes: Int { blocks * blockBytes }

    /// Rearranges `matrix` (Q4_0 or Q4_1, rows a multiple of 8), splitting the groups over
    /// `pool`, and passes `copied` each range of `matrix`'s bytes as soon as it has been read.
    init(_ matrix: WeightMatrix, pool: ThreadPool, copied: ((Range<Int>) -> Void)?) {
        precondition((matrix.type == .q4_0 || matrix.type == .q4_1) && matrix.rows % Self.groupRows == 0)
        rows = matrix.rows
        blocks = matrix.columns / 32
        hasMinimum = matrix.type == .q4_1
        blockBytes = hasMinimum ? 160 : 144
        data = WeightStorage.allocate(byteCount: rows / 8 * blocks * blockBytes)
        let groups = rows / 8, blocks = blocks, data = data, blockBytes = blockBytes
        let hasMinimum = hasMinimum, header = headerBytes
        // In the file: d, for Q4_1 then m, then the 16 code bytes.
        let sourceBlockBytes = hasMinimum ? 20 : 18, codesOffset = hasMinimum ? 4 : 2
        let step = max(1, groups / (pool.threadCount * 4))
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                for b in 0..<blocks {
                    let out = data + (g * blocks + b) * blockBytes
                    for r in 0..<8 {
                        let block = matrix.row(g * 8 + r) + b * sourceBlockBytes
                        out.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
                        if hasMinimum {
                            out.storeBytes(of: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self), toByteOffset: 16 + 2 * r, as: UInt16.self)
                        }
                        for j in 0..<4 {
                            let word = block.loadUnaligned(fromByteOffset: codesOffset + 4 * j, as: UInt32.self)
                            out.storeBytes(of: word, toByteOffset: header + 32 * j + 4 * r, as: UInt32.self)
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
