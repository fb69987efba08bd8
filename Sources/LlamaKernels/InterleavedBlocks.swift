import GGUF

/// A Q4_0, Q4_1, Q5_0 or Q5_1 matrix rearranged so that the native x86 kernels read eight rows
/// at once.
///
/// Rows are taken in groups of eight. For each group and each block of 32 columns, as many bytes
/// as the group's eight blocks: the eight rows' half-precision scales; for Q4_1 and Q5_1 then
/// their eight minimums; for Q5_0 and Q5_1 then 32 bytes of fifth bits; then four runs of 32
/// bytes where run `j` holds, for row `r`, bytes `4j..<4j+4` of that row's 16 code bytes (low
/// nibbles: codes `4j..<4j+4`, high nibbles: codes `16+4j..<16+4j+4`). In the fifth bits, byte
/// `k` of row `r`'s 32-bit lane holds the fifth bit of the low code of byte `k` of run `j` at
/// bit `2j` and of its high code at bit `2j + 1`. Groups follow one another, each with its
/// blocks in column order.
///
/// A 32-bit lane of a run thus holds four codes of one row, which lets one multiply-add of a
/// run with four activation bytes repeated in every lane advance eight rows' dot products at
/// once: the scales, conversions and final sums are shared by eight rows instead of paid per row.
/// This is the layout the products use when ``Kernels/prepared(_:pool:copied:)`` made one; the
/// values are those of the original matrix, bit for bit.
final class InterleavedBlocks: @unchecked Sendable {
    static let groupRows = 8

    /// Whether `type` has an interleaved layout.
    static func supports(_ type: GGMLType) -> Bool { [.q4_0, .q4_1, .q5_0, .q5_1].contains(type) }

    let rows: Int
    let blocks: Int
    /// Whether blocks carry a minimum (Q4_1, Q5_1); without one a weight is d·(code − zero point).
    let hasMinimum: Bool
    /// Whether codes have a fifth bit (Q5_0, Q5_1).
    let hasFifthBit: Bool
    /// Bytes of one block of eight rows: eight of the type's blocks.
    let blockBytes: Int
    /// `rows / 8` groups of `blocks × blockBytes` bytes; written once in `init`, read-only afterwards.
    let data: UnsafeMutableRawPointer

    /// Where the eight minimums start in a block of eight rows, after the eight scales.
    static let minimumsOffset = 16
    /// Where the fifth bits start in a block of eight rows.
    var fifthBitsOffset: Int { hasMinimum ? 32 : 16 }
    /// Where the runs start in a block of eight rows.
    var runsOffset: Int { fifthBitsOffset + (hasFifthBit ? 32 : 0) }
    /// The code of a zero weight in the types without a minimum: 8 for Q4_0, 16 for Q5_0.
    var zeroPoint: Float { hasFifthBit ? 16 : 8 }

    /// Bytes of one group of eight rows.
    var groupBytes: Int { blocks * blockBytes }

    /// Rearranges `matrix` (a type ``supports(_:)`` accepts, rows a multiple of 8), splitting the
    /// groups over `pool`, and passes `copied` each range of `matrix`'s bytes as soon as it has
    /// been read.
    init(_ matrix: WeightMatrix, pool: ThreadPool, copied: ((Range<Int>) -> Void)?) {
        precondition(Self.supports(matrix.type) && matrix.rows % Self.groupRows == 0)
        rows = matrix.rows
        blocks = matrix.columns / 32
        hasMinimum = matrix.type == .q4_1 || matrix.type == .q5_1
        hasFifthBit = matrix.type == .q5_0 || matrix.type == .q5_1
        let source = Self.fileFields(matrix.type)
        blockBytes = 8 * source.blockBytes
        data = WeightStorage.allocate(byteCount: rows / 8 * blocks * blockBytes)
        let groups = rows / 8, blocks = blocks, data = data, blockBytes = blockBytes
        let fifthOffset = fifthBitsOffset, runs = runsOffset
        let step = max(1, groups / (pool.threadCount * 4))
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                for b in 0..<blocks {
                    let out = data + (g * blocks + b) * blockBytes
                    for r in 0..<8 {
                        let block = matrix.row(g * 8 + r) + b * source.blockBytes
                        out.storeBytes(of: block.loadUnaligned(fromByteOffset: source.d, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
                        if let m = source.m {
                            out.storeBytes(of: block.loadUnaligned(fromByteOffset: m, as: UInt16.self), toByteOffset: Self.minimumsOffset + 2 * r, as: UInt16.self)
                        }
                        if let fifthBits = source.fifthBits {
                            let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: fifthBits, as: UInt32.self))
                            for k in 0..<4 {
                                var byte: UInt8 = 0
                                for j in 0..<4 {
                                    byte |= UInt8((qh >> UInt32(4 * j + k)) & 1) << UInt8(2 * j)
                                    byte |= UInt8((qh >> UInt32(16 + 4 * j + k)) & 1) << UInt8(2 * j + 1)
                                }
                                out.storeBytes(of: byte, toByteOffset: fifthOffset + 4 * r + k, as: UInt8.self)
                            }
                        }
                        for j in 0..<4 {
                            let word = block.loadUnaligned(fromByteOffset: source.codes + 4 * j, as: UInt32.self)
                            out.storeBytes(of: word, toByteOffset: runs + 32 * j + 4 * r, as: UInt32.self)
                        }
                    }
                }
            }
            let rows = task * step * 8..<min(groups, task * step + step) * 8
            copied?(rows.lowerBound * matrix.rowBytes..<rows.upperBound * matrix.rowBytes)
        }
    }

    deinit { data.deallocate() }

    /// Where the fields of a file block of `type` (one ``supports(_:)`` accepts) lie: `d`, `m` for
    /// the types with a minimum, the fifth bits for the five-bit types, the 16 code bytes.
    static func fileFields(_ type: GGMLType) -> (blockBytes: Int, d: Int, m: Int?, fifthBits: Int?, codes: Int) {
        switch type {
        case .q4_0: (Q4_0Format.blockBytes, Q4_0Format.dOffset, nil, nil, Q4_0Format.codesOffset)
        case .q4_1: (Q4_1Format.blockBytes, Q4_1Format.dOffset, Q4_1Format.mOffset, nil, Q4_1Format.codesOffset)
        case .q5_0: (Q5_0Format.blockBytes, Q5_0Format.dOffset, nil, Q5_0Format.fifthBitsOffset, Q5_0Format.codesOffset)
        case .q5_1: (Q5_1Format.blockBytes, Q5_1Format.dOffset, Q5_1Format.mOffset, Q5_1Format.fifthBitsOffset, Q5_1Format.codesOffset)
        default: preconditionFailure("\(type.name) has no interleaved layout")
        }
    }
}
