import GGUF

/// The compute kernels: row conversion between ggml block formats and floats, and matrix–vector
/// and matrix–matrix products over quantized weights.
///
/// All functions are safe to call from several threads at once; they keep no state.
///
/// ```swift
/// let file = try GGUFFile(path: "model.gguf")
/// let info = try file.tensor(named: name)   // a matrix of the file
/// let wq = try WeightMatrix(type: info.type, rows: info.rowCount, columns: info.rowLength,
///                           bytes: file.data(for: info))
/// let pool = ThreadPool()                       // once, for the whole model
/// Kernels.matvec(wq, x, q, pool: pool)          // q[wq.rows] = Wq · x[wq.columns]
/// Kernels.matmul(wq, xs, batch: n, qs, pool: pool)  // prefill: n rows at once
/// ```
public enum Kernels {
    /// The traits of `type`, or `nil` when it has no kernels. Adding a type is adding its
    /// ``BlockFormat`` in `Formats/` and one line here.
    static func format(for type: GGMLType) -> (any BlockFormat.Type)? {
        switch type {
        case .q4_0: Q4_0Format.self
        case .q4_1: Q4_1Format.self
        case .q5_0: Q5_0Format.self
        case .q5_1: Q5_1Format.self
        case .q8_0: Q8_0Format.self
        case .q2_K: Q2_KFormat.self
        case .q3_K: Q3_KFormat.self
        case .q4_K: Q4_KFormat.self
        case .q5_K: Q5_KFormat.self
        case .q6_K: Q6_KFormat.self
        case .f32: F32Format.self
        case .f16: F16Format.self
        case .bf16: BF16Format.self
        default: nil
        }
    }

    /// The types that have kernels.
    public static var supportedTypes: [GGMLType] { GGMLType.allCases.filter(isSupported) }

    /// Whether `type` has kernels (dequantize, quantize, dot products).
    public static func isSupported(_ type: GGMLType) -> Bool { format(for: type) != nil }

    /// Bytes taken by `count` elements in `format`, or a shape error when `count` is negative,
    /// not a whole number of blocks, or too large.
    static func rowBytes(_ format: any BlockFormat.Type, count: Int) throws(KernelError) -> Int {
        guard count >= 0, count % format.blockElements == 0 else {
            throw .shapeMismatch("\(count) elements is not a whole number of \(format.type.name) blocks of \(format.blockElements)")
        }
        let (bytes, overflow) = (count / format.blockElements).multipliedReportingOverflow(by: format.blockBytes)
        guard !overflow else { throw .shapeMismatch("\(count) elements of \(format.type.name) overflow") }
        return bytes
    }

    private static func checkedFormat(_ type: GGMLType, count: Int) throws(KernelError) -> any BlockFormat.Type {
        guard let format = format(for: type) else { throw .unsupportedType(type, tensor: nil) }
        _ = try rowBytes(format, count: count)
        return format
    }

    /// Decodes `count` elements of `type` at `src` into floats, exactly as gguf-py does.
    ///
    /// - Throws: when `type` has no kernels or `count` is not a whole number of blocks.
    public static func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) throws(KernelError) {
        let format = try checkedFormat(type, count: count)
        format.dequantize(src, dst, blocks: count / format.blockElements)
    }

    /// Decodes row `row` of `matrix` into `matrix.columns` floats at `dst`, in whatever
    /// ``WeightMatrix/layout`` the matrix has: the same floats in every layout.
    ///
    /// - Throws: ``KernelError/shapeMismatch(_:)`` when `row` is outside `0..<matrix.rows`.
    public static func dequantize(_ matrix: WeightMatrix, row: Int, into dst: UnsafeMutablePointer<Float>) throws(KernelError) {
        guard (0..<matrix.rows).contains(row) else {
            throw .shapeMismatch("row \(row) of a matrix with \(matrix.rows) rows")
        }
        matrix.decodeRow(row, into: dst)
    }

    /// Encodes `count` floats at `src` as `type`, writing the bytes ``GGMLType/byteCount(elements:)``
    /// gives. The result decodes correctly with gguf-py (and ggml).
    ///
    /// - Throws: when `type` has no kernels or `count` is not a whole number of blocks.
    public static func quantizeRow(_ type: GGMLType, _ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) throws(KernelError) {
        let format = try checkedFormat(type, count: count)
        format.quantize(src, dst, blocks: count / format.blockElements)
    }

    /// `y[rows] = W x`, where `x` holds `w.columns` floats.
    ///
    /// For the quantized types `x` is first encoded once into 8-bit blocks (32-element blocks for
    /// 32-element types, 256-element Q8_K-style blocks for K-quants) and the dot products use
    /// integer multiply-adds; the float types use an exact float dot. Rows are split over `pool`.
    public static func matvec(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        #if LLAMA_AVX2
        if w.layout == .interleavedRows { return InterleavedBlocks(w).matvec(x, y, pool: pool) }
        #else
        precondition(w.layout != .interleavedRows, "an interleaved matrix in a build without its kernels")
        #endif
        Products.matvec(w.format, w, x, y, pool: pool)
    }

    /// `Y[batch][rows] = X[batch][columns] Wᵀ`, all row-major: row `b` of `y` is `W` times row `b`
    /// of `x`. Each activation row is encoded once and reused for every weight row; weight rows are
    /// taken in cache-sized tiles. For prompt prefill. A `batch` of zero or less does nothing.
    public static func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        #if LLAMA_AVX2
        if w.layout == .interleavedRows { return InterleavedBlocks(w).matmul(x, batch: batch, y, pool: pool) }
        #else
        precondition(w.layout != .interleavedRows, "an interleaved matrix in a build without its kernels")
        #endif
        Products.matmul(w.format, w, x, batch: batch, y, pool: pool)
    }

    /// `w` in the layout and memory this build's products read fastest, or `w` itself when there
    /// is nothing to gain (or `w` is already a copy).
    ///
    /// In the native x86 build (trait `AVX2` or `AVX512VNNI`) a Q4_0, Q4_1, Q5_0 or Q5_1 matrix
    /// whose row count is a multiple of 8 is copied with eight rows interleaved
    /// (``WeightLayout/interleavedRows``), and a K-quant matrix is copied block by block with its
    /// codes in group order (``WeightLayout/groupOrder``): the layouts the native products read.
    /// The values are the file's; products agree with the file layout's to float rounding. On
    /// Linux any other matrix of at least 2 MiB is copied as it is (``WeightLayout/file``) into
    /// memory advised for transparent huge pages (a product then streams the matrix with one TLB
    /// entry per 2 MiB rather than per 4 KiB page: LLaMA 3 1B Q4_0 decoding about 10% faster,
    /// measured with its Q4_0 copies).
    ///
    /// The returned value's ``WeightMatrix/layout`` says how the bytes at its `data` are laid out,
    /// and everything reads them through it: the products, ``dequantize(_:row:into:)`` and
    /// ``BLASMatmul``, which decode every layout to the file's floats. Code that reads the bytes
    /// itself must check the layout first: only ``WeightLayout/file`` holds GGUF blocks of
    /// ``WeightMatrix/type``. After any copy (``WeightMatrix/isCopy``) the bytes `w` was made from
    /// are no longer read.
    ///
    /// Copies belong to the returned value and are made with `pool`'s threads. `copied`, when
    /// given, receives each range of `w`'s bytes (offsets from `w.data`) as soon as the copy has
    /// read it, possibly from several threads at once: a caller reading `w` from a mapped file can
    /// release those pages at once, so that the file's copy and this one never both stay resident.
    public static func prepared(_ w: WeightMatrix, pool: ThreadPool, copied: ((Range<Int>) -> Void)? = nil) -> WeightMatrix {
        guard w.layout == .file, !w.isCopy else { return w }
        #if LLAMA_AVX2
        if InterleavedBlocks.supports(w.type), w.rows > 0, w.rows % InterleavedBlocks.groupRows == 0 {
            return WeightMatrix(w, layout: .interleavedRows, format: w.format,
                                storage: InterleavedBlocks.rearranged(w, pool: pool, copied: copied))
        }
        #endif
        if let repacked = w.format.repacked {
            return WeightMatrix(w, layout: .groupOrder, format: repacked,
                                storage: .copy(of: w, repacked: repacked, pool: pool, copied: copied))
        }
        #if os(Linux)
        if w.rows * w.rowBytes >= WeightStorage.alignment {
            return WeightMatrix(w, layout: .file, format: w.format, storage: .copy(of: w, repacked: nil, pool: pool, copied: copied))
        }
        #endif
        return w
    }
}
