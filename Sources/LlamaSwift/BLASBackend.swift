import LlamaKernels

/// The CPU backend with prompt batches of ``minimumBatch`` tokens or more through BLAS SGEMM on
/// dequantized weight tiles; single tokens, small batches and matrices laid out for the native
/// integer kernels (a ``LlamaKernels/WeightMatrix/layout`` other than `.file`) stay on the
/// integer kernels.
public struct BLASBackend: Backend {
    /// Batches smaller than this use the CPU kernels: dequantizing a tile does not pay for itself.
    public static let minimumBatch = 32

    private let cpu: CPUBackend
    private let blas: BLASMatmul

    /// A backend with `threads` threads; throws when the package was built without the `BLAS` trait.
    public init(threads: Int? = nil) throws(LlamaError) {
        guard let blas = Kernels.blas else {
            throw .backendFailed(backend: "blas", reason: "built without the BLAS trait (swift build --traits BLAS)")
        }
        self.blas = blas
        cpu = CPUBackend(threads: threads)
    }

    /// A backend on an existing pool; throws when the package was built without the `BLAS` trait.
    public init(pool: ThreadPool) throws(LlamaError) {
        guard let blas = Kernels.blas else {
            throw .backendFailed(backend: "blas", reason: "built without the BLAS trait (swift build --traits BLAS)")
        }
        self.blas = blas
        cpu = CPUBackend(pool: pool)
    }

    public func matvec(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cpu.matvec(w, x, y)
    }

    public func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>) {
        // Matrices in a native layout (see Kernels.prepared) have an integer matmul faster than
        // dequantizing to floats for SGEMM (7B Q5_K_M prompts of 64 and 256 tokens: 10.9 and
        // 11.5 tokens/s against 3.6 and 6.3).
        if batch >= Self.minimumBatch, w.layout == .file {
            blas.matmul(w, x, batch: batch, y, pool: cpu.pool)
        } else {
            cpu.matmul(w, x, batch: batch, y)
        }
    }

    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        cpu.parallelFor(count, body)
    }
}
