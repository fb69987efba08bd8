import GGUF
import LlamaKernels
import Testing

/// SGEMM on dequantized tiles computes exactly the float product of the decoded weights.
@Suite struct BLASMatmulTests {
    @Test(.enabled(if: Kernels.blas != nil, "built without the BLAS trait (the native CI pass builds with it)"),
          arguments: [GGMLType.f32, .f16, .q4_0, .q8_0, .q5_K, .q6_K])
    func matchesFloatProductOfDecodedWeights(type: GGMLType) throws {
        let blas = try #require(Kernels.blas)
        let rows = 130, columns = 512, batch = 7
        var rng = SystemRandomNumberGenerator()
        let weights = (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &rng) }
        let rowBytes = try #require(type.byteCount(elements: columns))
        var encoded = [UInt8](repeating: 0, count: rows * rowBytes)
        var decoded = [Float](repeating: 0, count: rows * columns)
        try encoded.withUnsafeMutableBytes { raw in
            for r in 0..<rows {
                try weights.withUnsafeBufferPointer { src in
                    try Kernels.quantizeRow(type, src.baseAddress! + r * columns, raw.baseAddress! + r * rowBytes, count: columns)
                }
                try decoded.withUnsafeMutableBufferPointer { dst in
                    try Kernels.dequantizeRow(type, raw.baseAddress! + r * rowBytes, dst.baseAddress! + r * columns, count: columns)
                }
            }
        }
        let x = (0..<(batch * columns)).map { _ in Float.random(in: -1...1, using: &rng) }
        var y = [Float](repeating: .nan, count: batch * rows)
        let pool = ThreadPool(threadCount: 2)
        try encoded.withUnsafeBytes { raw in
            let w = try WeightMatrix(type: type, rows: rows, columns: columns, data: raw.baseAddress!)
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeMutableBufferPointer { ys in
                    blas.matmul(w, xs.baseAddress!, batch: batch, ys.baseAddress!, pool: pool)
                }
            }
        }
        for b in 0..<batch {
            for r in 0..<rows {
                var expected = 0.0
                for c in 0..<columns { expected += Double(x[b * columns + c]) * Double(decoded[r * columns + c]) }
                #expect(abs(Double(y[b * rows + r]) - expected) <= 1e-4 * Double(columns), "\(type) y[\(b)][\(r)]")
            }
        }
    }
}
