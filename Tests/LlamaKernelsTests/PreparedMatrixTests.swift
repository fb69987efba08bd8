import FixtureSupport
import Foundation
import GGUF
@testable import LlamaKernels
import Testing

/// `Kernels.prepared`: the rearranged Q4_0, Q4_1, Q5_0 and Q5_1 layout of the native x86 build gives the products of
/// the plain layout, to float rounding, on one thread or several, one row or a batch, and so do the
/// repacked K-quant blocks; on Linux a large matrix of another type is copied byte for byte
/// and gives the same products exactly. Every layout decodes to the file's floats, row by row and
/// through BLAS, and says what it is (`WeightMatrix.layout`).
@Suite struct PreparedMatrixTests {
    /// A native build (one that needs CPU features) rearranges Q4_0, Q4_1, Q5_0 and Q5_1; the portable build does not.
    static let rearranges = !Kernels.requiredCPUFeatures.isEmpty

    static func batchProduct(_ m: WeightMatrix, _ x: [Float], batch: Int, pool: ThreadPool) -> [Float] {
        var y = [Float](repeating: .nan, count: batch * m.rows)
        y.withUnsafeMutableBufferPointer { Kernels.matmul(m, x, batch: batch, $0.baseAddress!, pool: pool) }
        return y
    }

    @Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1])
    func preparedMatrixAgreesWithThePlainLayout(_ type: GGMLType) throws {
        let rows = 72, columns = 576, batch = 13
        let c = try MatrixProductTests.makeMatrix(type, rows: rows, columns: columns, seed: 31)
        defer { c.free() }
        let prepared = Kernels.prepared(c.matrix, pool: MatrixProductTests.threePools)
        #expect(prepared.layout == (Self.rearranges ? .interleavedRows : .file))
        #expect(prepared.isCopy == Self.rearranges && (prepared.fileRow(0) == nil) == Self.rearranges)
        try Self.expectFileValues(prepared, c)
        var rng = SplitMix64(seed: 32)
        let x = (0..<batch * columns).map { _ in rng.gaussian() }

        for b in 0..<batch {
            let row = Array(x[b * columns..<(b + 1) * columns])
            let plain = MatrixProductTests.matvec(c.matrix, row, pool: MatrixProductTests.singleThread)
            let fast = MatrixProductTests.matvec(prepared, row, pool: MatrixProductTests.singleThread)
            for r in 0..<rows {
                // Another summation order over the same integer products and scales.
                let magnitude = (0..<columns).reduce(0.0) { $0 + abs(Double(c.decoded[r * columns + $1]) * Double(row[$1])) }
                #expect(abs(Double(fast[r]) - Double(plain[r])) <= 1e-5 * magnitude, "row \(r) of batch row \(b): \(fast[r]) vs \(plain[r])")
            }
            #expect(MatrixProductTests.matvec(prepared, row, pool: MatrixProductTests.threePools) == fast)
        }

        // The batched product computes each row as the single-row one does, bit for bit, in
        // groups of four activation rows and the leftovers.
        let batched = Self.batchProduct(prepared, x, batch: batch, pool: MatrixProductTests.threePools)
        for b in 0..<batch {
            let row = Array(x[b * columns..<(b + 1) * columns])
            #expect(Array(batched[b * rows..<(b + 1) * rows]) == MatrixProductTests.matvec(prepared, row, pool: MatrixProductTests.singleThread), "batch row \(b)")
        }
    }

    /// The K-quants' native dots read a repacked block layout: a native build copies any such
    /// matrix into it, the copy decodes to the same values, and its products agree with the file
    /// layout's to float rounding (the same integer products, summed in other lanes), a batch row
    /// for row bit for bit; the portable build leaves small matrices as they are.
    @Test(arguments: [GGMLType.q2_K, .q3_K, .q4_K, .q5_K, .q6_K])
    func repackedMatricesKeepTheirValuesAndProducts(_ type: GGMLType) throws {
        let rows = 40, columns = 768, batch = 6
        let c = try MatrixProductTests.makeMatrix(type, rows: rows, columns: columns, seed: 37)
        defer { c.free() }
        let prepared = Kernels.prepared(c.matrix, pool: MatrixProductTests.threePools)
        #expect(prepared.isCopy == Self.rearranges && prepared.layout == (Self.rearranges ? .groupOrder : .file))
        #expect((prepared.fileRow(0) == nil) == Self.rearranges)
        #expect((memcmp(prepared.data, c.matrix.data, rows * c.matrix.rowBytes) != 0) == Self.rearranges)
        try Self.expectFileValues(prepared, c)
        // Encoding in the repacked layout decodes to what the file layout's encoding decodes to.
        if let repacked = Kernels.format(for: type)!.repacked {
            let row = Array(c.decoded[0..<columns])
            var bytes = [UInt8](repeating: 0, count: c.matrix.rowBytes)
            var values = [Float](repeating: .nan, count: columns)
            bytes.withUnsafeMutableBytes { repacked.quantize(row, $0.baseAddress!, blocks: columns / 256) }
            bytes.withUnsafeBytes { b in values.withUnsafeMutableBufferPointer { repacked.dequantize(b.baseAddress!, $0.baseAddress!, blocks: columns / 256) } }
            #expect(values == (try dequantized(try quantized(row, as: type), as: type, count: columns)))
        }

        var rng = SplitMix64(seed: 38)
        let x = (0..<batch * columns).map { _ in rng.gaussian() }
        let batched = Self.batchProduct(prepared, x, batch: batch, pool: MatrixProductTests.threePools)
        for b in 0..<batch {
            let row = Array(x[b * columns..<(b + 1) * columns])
            let fast = MatrixProductTests.matvec(prepared, row, pool: MatrixProductTests.threePools)
            let plain = MatrixProductTests.matvec(c.matrix, row, pool: MatrixProductTests.singleThread)
            for r in 0..<rows {
                let magnitude = (0..<columns).reduce(0.0) { $0 + abs(Double(c.decoded[r * columns + $1]) * Double(row[$1])) }
                #expect(abs(Double(fast[r]) - Double(plain[r])) <= 1e-5 * magnitude, "row \(r) of batch row \(b): \(fast[r]) vs \(plain[r])")
            }
            #expect(Array(batched[b * rows..<(b + 1) * rows]) == fast, "batch row \(b)")
        }
    }

    /// Every row of `m` decodes to the file's floats of `c` exactly, and, in a build with BLAS,
    /// its SGEMM product (which dequantizes rows through the layout) is the file layout's bit
    /// for bit.
    static func expectFileValues(_ m: WeightMatrix, _ c: MatrixProductTests.Case) throws {
        var decoded = [Float](repeating: .nan, count: m.columns)
        for r in 0..<m.rows {
            try decoded.withUnsafeMutableBufferPointer { try Kernels.dequantize(m, row: r, into: $0.baseAddress!) }
            let expected = Array(c.decoded[r * m.columns..<(r + 1) * m.columns])
            #expect(decoded.indices.filter { decoded[$0] != expected[$0] }.isEmpty, "\(m.type.name) in \(m.layout): row \(r)")
        }
        guard let blas = Kernels.blas else { return }
        let batch = 5
        var rng = SplitMix64(seed: 39)
        let x = (0..<batch * m.columns).map { _ in rng.gaussian() }
        func product(_ w: WeightMatrix) -> [Float] {
            var y = [Float](repeating: .nan, count: batch * w.rows)
            y.withUnsafeMutableBufferPointer { blas.matmul(w, x, batch: batch, $0.baseAddress!, pool: MatrixProductTests.threePools) }
            return y
        }
        #expect(product(m) == product(c.matrix), "\(m.type.name) in \(m.layout) through BLAS")
    }

    /// The interleaved layout in every build (only the native one prepares it, but its bytes are
    /// plain Swift): the file's blocks come back from it byte for byte, rows decode to the file's
    /// floats, and the copy reports every byte of the file's matrix as read.
    @Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1])
    func interleavedRowsGiveBackTheFileBlocks(_ type: GGMLType) throws {
        let rows = 24, columns = 320
        let c = try MatrixProductTests.makeMatrix(type, rows: rows, columns: columns, seed: 41)
        defer { c.free() }
        let lock = NSLock()
        var read: [Range<Int>] = []
        let storage = InterleavedBlocks.rearranged(c.matrix, pool: MatrixProductTests.threePools) { range in lock.withLock { read.append(range) } }
        let m = WeightMatrix(c.matrix, layout: .interleavedRows, format: c.matrix.format, storage: storage)
        #expect(m.layout == .interleavedRows && m.isCopy && m.fileRow(0) == nil && !m.layout.hasContiguousRows)
        let ranges = read.sorted { $0.lowerBound < $1.lowerBound }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == rows * c.matrix.rowBytes)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })

        let blocks = InterleavedBlocks(m)
        let file = InterleavedBlocks.fileFields(type)
        // Eight blocks of the type make one block of eight rows: scales, minimums, fifth bits, runs.
        #expect(blocks.blockBytes == 8 * file.blockBytes && blocks.runsOffset + 4 * 32 == blocks.blockBytes)
        #expect(blocks.groupBytes * rows / 8 == rows * c.matrix.rowBytes)
        var block = [UInt8](repeating: 0, count: file.blockBytes)
        for r in 0..<rows {
            for b in 0..<columns / 32 {
                block.withUnsafeMutableBytes { blocks.fileBlock(row: r, block: b, into: $0.baseAddress!) }
                let original = c.matrix.fileRow(r)! + b * file.blockBytes
                #expect(block.withUnsafeBytes { memcmp($0.baseAddress!, original, file.blockBytes) } == 0, "\(type.name) row \(r) block \(b)")
            }
        }
        try Self.expectFileValues(m, c)
    }

    @Test func otherMatricesAreLeftAsTheyAre() throws {
        for (type, rows) in [(GGMLType.q4_0, 36), (.q4_1, 20), (.q8_0, 64), (.f16, 64), (.f32, 64)] {
            let c = try MatrixProductTests.makeMatrix(type, rows: rows, columns: 256, seed: 33)
            defer { c.free() }
            let prepared = Kernels.prepared(c.matrix, pool: MatrixProductTests.singleThread)
            #expect(prepared.layout == .file, "\(type.name) with \(rows) rows")
            #expect(prepared.data == c.matrix.data && prepared.fileRow(1) == c.matrix.data + c.matrix.rowBytes)
        }
    }

    @Test func largeMatricesAreCopiedOnLinux() throws {
        // 10240 rows of 272 bytes: over the 2 MiB threshold.
        let rows = 10240, columns = 256
        let c = try MatrixProductTests.makeMatrix(.q8_0, rows: rows, columns: columns, seed: 35)
        defer { c.free() }
        let prepared = Kernels.prepared(c.matrix, pool: MatrixProductTests.threePools)
        #if os(Linux)
        #expect(prepared.isCopy && prepared.layout == .file && prepared.fileRow(0) == prepared.data)
        #expect(prepared.data != c.matrix.data)
        #expect(memcmp(prepared.data, c.matrix.data, rows * c.matrix.rowBytes) == 0)
        #else
        #expect(!prepared.isCopy)
        #endif
        let x = (0..<columns).map { Float(($0 % 13) - 6) * 0.1 }
        #expect(MatrixProductTests.matvec(prepared, x, pool: MatrixProductTests.threePools)
            == MatrixProductTests.matvec(c.matrix, x, pool: MatrixProductTests.singleThread))
        #expect(Kernels.prepared(prepared, pool: MatrixProductTests.singleThread).data == prepared.data)
    }
}
