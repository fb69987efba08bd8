import FixtureSupport
import GGUF
@testable import LlamaKernels
import Testing

/// matvec and matmul: against exact float products, across thread counts, and against each other.
@Suite struct MatrixProductTests {
    static let singleThread = ThreadPool(threadCount: 1)
    static let threePools = ThreadPool(threadCount: 3)

    struct Case {
        let matrix: WeightMatrix
        let bytes: UnsafeMutableRawBufferPointer
        let decoded: [Float]
        func free() { bytes.deallocate() }
    }

    /// A `rows` × `columns` matrix of random weights encoded as `type`, and its decoded floats.
    static func makeMatrix(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) throws -> Case {
        var rng = SplitMix64(seed: seed)
        let encoded = try quantized(rng.weights(rows * columns), as: type)
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: encoded.count, alignment: 64)
        encoded.withUnsafeBytes { bytes.copyMemory(from: $0) }
        let matrix = try WeightMatrix(type: type, rows: rows, columns: columns, data: UnsafeRawPointer(bytes.baseAddress!))
        return Case(matrix: matrix, bytes: bytes, decoded: try dequantized(encoded, as: type, count: rows * columns))
    }

    static func matvec(_ m: WeightMatrix, _ x: [Float], pool: ThreadPool) -> [Float] {
        var y = [Float](repeating: .nan, count: m.rows)
        y.withUnsafeMutableBufferPointer { Kernels.matvec(m, x, $0.baseAddress!, pool: pool) }
        return y
    }

    /// Against the exact product of the decoded weights with x: the only error is the activation's
    /// 8-bit rounding, at most half a step (block max / 127 / 2) per element, times |w|.
    @Test(arguments: allTypes)
    func matvecMatchesFloatProduct(_ type: GGMLType) throws {
        let rows = 67, columns = 512
        let c = try Self.makeMatrix(type, rows: rows, columns: columns, seed: 6)
        defer { c.free() }
        var rng = SplitMix64(seed: 7)
        let x = (0..<columns).map { _ in rng.gaussian() }
        let y = Self.matvec(c.matrix, x, pool: Self.threePools)
        // Float types take x as it is; the others round it per block of their own size.
        let block = [.f32, .f16, .bf16].contains(type) ? 1 : type.blockLayout!.elements
        for r in 0..<rows {
            var exact = 0.0, bound = 0.0, magnitude = 0.0
            for start in stride(from: 0, to: columns, by: block) {
                let step = block == 1 ? 0 : Double(x[start..<start + block].map(\.magnitude).max()!) / 127
                for i in start..<start + block {
                    let w = Double(c.decoded[r * columns + i])
                    exact += w * Double(x[i])
                    bound += abs(w) * step / 2
                    magnitude += abs(w * Double(x[i]))
                }
            }
            #expect(abs(Double(y[r]) - exact) <= bound + 1e-5 * magnitude, "\(type.name) row \(r): \(y[r]) vs \(exact)")
        }
    }

    @Test(arguments: allTypes)
    func threadedMatvecEqualsSingleThreaded(_ type: GGMLType) throws {
        let c = try Self.makeMatrix(type, rows: 300, columns: 256, seed: 8)
        defer { c.free() }
        var rng = SplitMix64(seed: 9)
        let x = (0..<256).map { _ in rng.gaussian() }
        let single = Self.matvec(c.matrix, x, pool: Self.singleThread)
        #expect(single.allSatisfy { $0.isFinite })
        #expect(Self.matvec(c.matrix, x, pool: Self.threePools) == single)
    }

    @Test(arguments: allTypes)
    func matmulEqualsRepeatedMatvec(_ type: GGMLType) throws {
        let rows = 70, columns = 512, batch = 67
        let c = try Self.makeMatrix(type, rows: rows, columns: columns, seed: 10)
        defer { c.free() }
        var rng = SplitMix64(seed: 11)
        let x = (0..<batch * columns).map { _ in rng.gaussian() }
        var y = [Float](repeating: .nan, count: batch * rows)
        y.withUnsafeMutableBufferPointer { Kernels.matmul(c.matrix, x, batch: batch, $0.baseAddress!, pool: Self.threePools) }
        for b in 0..<batch {
            let single = Array(x[b * columns..<(b + 1) * columns])
            #expect(Array(y[b * rows..<(b + 1) * rows]) == Self.matvec(c.matrix, single, pool: Self.singleThread), "\(type.name) batch row \(b)")
        }
    }

    @Test func weightMatrixRefusesBadShapes() {
        let bytes = [UInt8](repeating: 0, count: 1024)
        bytes.withUnsafeBytes { p in
            let data = p.baseAddress!
            #expect(throws: KernelError.unsupportedType(.iq2_XS, tensor: nil)) { try WeightMatrix(type: .iq2_XS, rows: 1, columns: 256, data: data) }
            #expect(throws: KernelError.self) { try WeightMatrix(type: .q4_K, rows: 1, columns: 128, data: data) }
            #expect(throws: KernelError.self) { try WeightMatrix(type: .q4_0, rows: -1, columns: 32, data: data) }
            #expect(throws: KernelError.self) { try WeightMatrix(type: .q4_0, rows: 1, columns: 0, data: data) }
            #expect(throws: KernelError.self) { try WeightMatrix(type: .q8_0, rows: Int.max / 8, columns: 64, data: data) }
            // A buffer must hold exactly rows × rowBytes: 3 rows of Q4_0 × 64 take 108 bytes.
            #expect(throws: KernelError.self) { try WeightMatrix(type: .q4_0, rows: 3, columns: 64, bytes: UnsafeRawBufferPointer(rebasing: p[0..<100])) }
            #expect((try? WeightMatrix(type: .q4_0, rows: 3, columns: 64, bytes: UnsafeRawBufferPointer(rebasing: p[0..<108])))?.rows == 3)
            #expect(throws: KernelError.self) {
                let m = try WeightMatrix(type: .q4_0, rows: 2, columns: 32, data: data)
                #expect(m.rowBytes == 18)
                var out = [Float](repeating: 0, count: 32)
                try Kernels.dequantize(m, row: 2, into: &out)
            }
        }
    }
}
