import LlamaKernels

/// Where the CPU's matrix products and parallel loops run: the matrix-product strategy inside
/// the CPU operations (the kernels, or BLAS for prompt batches), which a custom implementation
/// can replace by conforming to this protocol.
///
/// The matrices passed in are the model's prepared ones: check `w.layout == .file` (or read rows
/// through `w.fileRow(_:)`) before reading `w.data` as GGUF blocks; interleaved and group-order
/// layouts hold the same values in another arrangement, which the kernels read.
public protocol Backend: Sendable {
    /// `y = W x`, with `x` holding `w.columns` floats and `y` receiving `w.rows`.
    func matvec(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>)
    /// Row `b` of `y` (`w.rows` floats) = `W` times row `b` of `x` (`w.columns` floats), for `b < batch`.
    func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>)
    /// Runs `body(i)` for every `i` in `0..<count`, possibly in parallel, and returns when all are done.
    func parallelFor(_ count: Int, _ body: (Int) -> Void)
}

/// The portable CPU backend: LlamaKernels' products over a persistent thread pool.
public struct CPUBackend: Backend {
    /// The pool the kernels split their rows over.
    public let pool: ThreadPool

    /// A backend with `threads` threads (default: one per active processor).
    public init(threads: Int? = nil) {
        pool = threads.map { ThreadPool(threadCount: $0) } ?? ThreadPool()
    }

    /// A backend on an existing pool.
    public init(pool: ThreadPool) {
        self.pool = pool
    }

    public func matvec(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        Kernels.matvec(w, x, y, pool: pool)
    }

    public func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>) {
        Kernels.matmul(w, x, batch: batch, y, pool: pool)
    }

    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        pool.parallelFor(count, body)
    }
}
