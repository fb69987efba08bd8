#if LLAMA_BLAS
import CBLAS
#endif

/// Matrix–matrix products through a BLAS library's SGEMM, for prompt batches large enough that
/// dequantizing weight tiles to floats pays for itself.
///
/// Available when the package is built with the `BLAS` trait (OpenBLAS); ``Kernels/blas`` is `nil`
/// otherwise.
public struct BLASMatmul: Sendable {
    /// Weight rows dequantized at a time by one worker.
    static let tileRows = 64

    fileprivate init() {
        #if LLAMA_BLAS
        // The pool splits the work; each SGEMM call runs on the worker that makes it.
        openblas_set_num_threads(1)
        #endif
    }

    /// `Y[batch][rows] = X[batch][columns] Wᵀ`, all row-major, like ``Kernels/matmul(_:_:batch:_:pool:)``.
    /// Each worker dequantizes a tile of weight rows (through the matrix's layout, as
    /// ``Kernels/dequantize(_:row:into:)`` does) and multiplies the whole batch by it.
    public func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        #if LLAMA_BLAS
        guard batch > 0, w.rows > 0 else { return }
        let tiles = (w.rows + Self.tileRows - 1) / Self.tileRows
        let columns = w.columns
        pool.parallelFor(tiles) { tile in
            let first = tile * Self.tileRows
            let count = min(Self.tileRows, w.rows - first)
            let multiply = { (weights: UnsafePointer<Float>) in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                            Int32(batch), Int32(count), Int32(columns),
                            1, x, Int32(columns), weights, Int32(columns),
                            0, y + first, Int32(w.rows))
            }
            if w.type == .f32, w.layout == .file {
                multiply(w.row(first).assumingMemoryBound(to: Float.self))
                return
            }
            let tileBuffer = UnsafeMutablePointer<Float>.allocate(capacity: count * columns)
            defer { tileBuffer.deallocate() }
            for r in 0..<count {
                w.decodeRow(first + r, into: tileBuffer + r * columns)
            }
            multiply(tileBuffer)
        }
        #endif
    }
}

extension Kernels {
    #if LLAMA_BLAS
    /// SGEMM through BLAS, present when the package is built with the `BLAS` trait.
    public static let blas: BLASMatmul? = BLASMatmul()
    #else
    /// SGEMM through BLAS, present when the package is built with the `BLAS` trait.
    public static let blas: BLASMatmul? = nil
    #endif
}
