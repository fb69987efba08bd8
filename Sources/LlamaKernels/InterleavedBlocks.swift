import GGUF

/// The bytes of a Q4_0, Q4_1, Q5_0 or Q5_1 matrix in ``WeightLayout/interleavedRows``, which the
/// native x86 kernels read eight rows at a time.
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
/// ``Kernels/prepared(_:pool:copied:)`` makes this layout (``rearranged(_:pool:copied:)``); the
/// values are those of the file's blocks, bit for bit, which ``fileBlock(row:block:into:)``
/// gives back.
struct InterleavedBlocks {
    static let groupRows = WeightLayout.interleavedGroupRows

    /// Whether `type` has an interleaved layout.
    static func supports(_ type: GGMLType) -> Bool { [.q4_0, .q4_1, .q5_0, .q5_1].contains(type) }

    /// The type of the blocks the groups hold.
    let type: GGMLType
    let rows: Int
    let blocks: Int
    /// Whether blocks carry a minimum (Q4_1, Q5_1); without one a weight is d·(code − zero point).
    let hasMinimum: Bool
    /// Whether codes have a fifth bit (Q5_0, Q5_1).
    let hasFifthBit: Bool
    /// Bytes of one block of eight rows: eight of the type's blocks.
    let blockBytes: Int
    /// `rows / 8` groups of `blocks × blockBytes` bytes.
    let data: UnsafeRawPointer

    /// Where the eight minimums start in a block of eight rows, after the eight scales.
    static let minimumsOffset = 16
    /// Where the fifth bits start in a block of eight rows, after the scales and any minimums.
    static func fifthBitsOffset(minimum: Bool) -> Int { minimumsOffset + (minimum ? 16 : 0) }
    /// Where the runs start in a block of eight rows.
    static func runsOffset(minimum: Bool, fifth: Bool) -> Int { fifthBitsOffset(minimum: minimum) + (fifth ? 32 : 0) }
    /// The code of a zero weight in the types without a minimum: 8 for Q4_0, 16 for Q5_0.
    static func zeroPoint(fifth: Bool) -> Float { fifth ? 16 : 8 }

    /// Where the fifth bits start in a block of eight rows.
    var fifthBitsOffset: Int { Self.fifthBitsOffset(minimum: hasMinimum) }
    /// Where the runs start in a block of eight rows.
    var runsOffset: Int { Self.runsOffset(minimum: hasMinimum, fifth: hasFifthBit) }

    /// Bytes of one group of eight rows.
    var groupBytes: Int { blocks * blockBytes }

    /// The bytes of `matrix`, a matrix in ``WeightLayout/interleavedRows``.
    init(_ matrix: WeightMatrix) {
        precondition(matrix.layout == .interleavedRows)
        self.init(type: matrix.type, rows: matrix.rows, columns: matrix.columns, data: matrix.data)
    }

    private init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer) {
        let file = Self.fileFields(type)
        self.type = type
        self.rows = rows
        blocks = columns / file.elements
        hasMinimum = file.m != nil
        hasFifthBit = file.fifthBits != nil
        blockBytes = Self.groupRows * file.blockBytes
        self.data = data
    }

    /// Where the fields of a file block of `type` (one ``supports(_:)`` accepts) lie: `d`, `m` for
    /// the types with a minimum, the fifth bits for the five-bit types, the 16 code bytes.
    static func fileFields(_ type: GGMLType) -> (elements: Int, blockBytes: Int, d: Int, m: Int?, fifthBits: Int?, codes: Int) {
        switch type {
        case .q4_0: (Q4_0Format.blockElements, Q4_0Format.blockBytes, Q4_0Format.dOffset, nil, nil, Q4_0Format.codesOffset)
        case .q4_1: (Q4_1Format.blockElements, Q4_1Format.blockBytes, Q4_1Format.dOffset, Q4_1Format.mOffset, nil, Q4_1Format.codesOffset)
        case .q5_0: (Q5_0Format.blockElements, Q5_0Format.blockBytes, Q5_0Format.dOffset, nil, Q5_0Format.fifthBitsOffset,
                     Q5_0Format.codesOffset)
        case .q5_1: (Q5_1Format.blockElements, Q5_1Format.blockBytes, Q5_1Format.dOffset, Q5_1Format.mOffset, Q5_1Format.fifthBitsOffset,
                     Q5_1Format.codesOffset)
        default: preconditionFailure("\(type.name) has no interleaved layout")
        }
    }

    /// `matrix` (in the file's layout, a type ``supports(_:)`` accepts, rows a multiple of 8)
    /// rearranged into new storage, the groups split over `pool`; `copied` receives each range of
    /// `matrix`'s bytes as soon as it has been read.
    static func rearranged(_ matrix: WeightMatrix, pool: ThreadPool, copied: ((Range<Int>) -> Void)?) -> WeightStorage {
        precondition(matrix.layout == .file && supports(matrix.type) && matrix.rows % groupRows == 0)
        let storage = WeightStorage(byteCount: matrix.rows * matrix.rowBytes)
        let layout = InterleavedBlocks(type: matrix.type, rows: matrix.rows, columns: matrix.columns, data: storage.bytes)
        let file = fileFields(matrix.type), out = storage.bytes
        let groups = matrix.rows / groupRows
        let step = max(1, groups / (pool.threadCount * 4))
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                for b in 0..<layout.blocks {
                    let group = out + (g * layout.blocks + b) * layout.blockBytes
                    for r in 0..<groupRows {
                        let block = matrix.row(g * groupRows + r) + b * file.blockBytes
                        group.storeBytes(of: block.loadUnaligned(fromByteOffset: file.d, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
                        if let m = file.m {
                            group.storeBytes(of: block.loadUnaligned(fromByteOffset: m, as: UInt16.self),
                                             toByteOffset: minimumsOffset + 2 * r, as: UInt16.self)
                        }
                        if let fifthBits = file.fifthBits {
                            let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: fifthBits, as: UInt32.self))
                            for k in 0..<4 {
                                var byte: UInt8 = 0
                                for j in 0..<4 {
                                    byte |= UInt8((qh >> UInt32(4 * j + k)) & 1) << UInt8(2 * j)
                                    byte |= UInt8((qh >> UInt32(16 + 4 * j + k)) & 1) << UInt8(2 * j + 1)
                                }
                                group.storeBytes(of: byte, toByteOffset: layout.fifthBitsOffset + 4 * r + k, as: UInt8.self)
                            }
                        }
                        for j in 0..<4 {
                            let word = block.loadUnaligned(fromByteOffset: file.codes + 4 * j, as: UInt32.self)
                            group.storeBytes(of: word, toByteOffset: layout.runsOffset + 32 * j + 4 * r, as: UInt32.self)
                        }
                    }
                }
            }
            let rows = task * step * groupRows..<min(groups, task * step + step) * groupRows
            copied?(rows.lowerBound * matrix.rowBytes..<rows.upperBound * matrix.rowBytes)
        }
        return storage
    }

    /// Writes block `b` of row `row` at `out` as the file holds it: the inverse of
    /// ``rearranged(_:pool:copied:)``.
    func fileBlock(row: Int, block b: Int, into out: UnsafeMutableRawPointer) {
        let file = Self.fileFields(type), r = row % Self.groupRows
        let group = data + (row / Self.groupRows * blocks + b) * blockBytes
        out.storeBytes(of: group.loadUnaligned(fromByteOffset: 2 * r, as: UInt16.self), toByteOffset: file.d, as: UInt16.self)
        if let m = file.m {
            out.storeBytes(of: group.loadUnaligned(fromByteOffset: Self.minimumsOffset + 2 * r, as: UInt16.self), toByteOffset: m, as: UInt16.self)
        }
        if let fifthBits = file.fifthBits {
            var qh: UInt32 = 0
            for k in 0..<4 {
                let byte = UInt32(group.load(fromByteOffset: fifthBitsOffset + 4 * r + k, as: UInt8.self))
                for j in 0..<4 {
                    qh |= (byte >> UInt32(2 * j) & 1) << UInt32(4 * j + k)
                    qh |= (byte >> UInt32(2 * j + 1) & 1) << UInt32(16 + 4 * j + k)
                }
            }
            out.storeBytes(of: qh.littleEndian, toByteOffset: fifthBits, as: UInt32.self)
        }
        for j in 0..<4 {
            let word = group.loadUnaligned(fromByteOffset: runsOffset + 32 * j + 4 * r, as: UInt32.self)
            out.storeBytes(of: word, toByteOffset: file.codes + 4 * j, as: UInt32.self)
        }
    }

    /// Decodes row `row` into `blocks × 32` floats at `dst`: each block put back as the file holds
    /// it and decoded as the file's, so the same floats.
    func dequantize(row: Int, into dst: UnsafeMutablePointer<Float>) {
        guard let format = Kernels.format(for: type) else { preconditionFailure("\(type.name) has no kernels") }
        withUnsafeTemporaryAllocation(byteCount: format.blockBytes, alignment: 16) { scratch in
            let block = scratch.baseAddress!
            for b in 0..<blocks {
                fileBlock(row: row, block: b, into: block)
                format.dequantize(block, dst + b * format.blockElements, blocks: 1)
            }
        }
    }
}
