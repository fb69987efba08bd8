import GGUF

/// A read-only view of a 2-D weight matrix as stored in GGUF: `rows` rows of `columns` elements
/// each, row-major, blocks as in the file (or, after ``Kernels/prepared(_:pool:copied:)``, as the
/// native kernels read them).
///
/// The view does not own its memory: keep the ``GGUF/GGUFFile`` (or whatever holds the bytes)
/// alive while the matrix is used. It is a plain value and safe to share between threads, since
/// the kernels only read through `data`.
public struct WeightMatrix: @unchecked Sendable {
    /// Element type of the stored blocks.
    public let type: GGMLType
    /// Number of rows (output features).
    public let rows: Int
    /// Elements per row (input features); a whole number of blocks.
    public let columns: Int
    /// The first byte of row 0; rows follow each other without padding.
    public let data: UnsafeRawPointer
    /// Bytes taken by one row.
    public let rowBytes: Int

    let format: any BlockFormat.Type
    /// The interleaved copy the products read instead of `data`, when ``Kernels/prepared(_:pool:)``
    /// made one.
    let interleaved: InterleavedBlocks?
    /// The memory `data` points into when ``Kernels/prepared(_:pool:)`` copied the matrix, as it
    /// is or repacked (then `format` is the repacked layout's).
    private let copy: WeightCopy?

    /// Whether the products read a rearranged copy of the blocks made by
    /// ``Kernels/prepared(_:pool:)`` rather than `data`.
    public var isRearranged: Bool { interleaved != nil }

    /// Whether ``Kernels/prepared(_:pool:)`` laid the blocks out for this build's native kernels,
    /// rows interleaved (``isRearranged``) or blocks repacked within themselves: their integer
    /// matrix products are then faster than dequantizing for a float GEMM.
    public var hasNativeLayout: Bool { interleaved != nil || format is any RepackedFormat.Type }

    /// Whether ``Kernels/prepared(_:pool:)`` made a copy that this value owns (rearranged, or the
    /// same blocks in memory of its own at `data`, as they were or repacked within each block):
    /// the bytes it was made from are no longer read by the products.
    public var isCopy: Bool { interleaved != nil || copy != nil }

    /// Describes `rows` × `columns` elements of `type` starting at `data`.
    ///
    /// - Throws: ``KernelError/unsupportedType(_:tensor:)`` for a type without kernels, and
    ///   ``KernelError/shapeMismatch(_:)`` when `columns` is not a positive whole number of
    ///   blocks, `rows` is negative, or the byte size overflows.
    public init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawPointer) throws(KernelError) {
        guard let format = Kernels.format(for: type) else { throw .unsupportedType(type, tensor: nil) }
        guard rows >= 0 else { throw .shapeMismatch("negative row count \(rows)") }
        let rowBytes = try Kernels.rowBytes(format, count: columns)
        guard columns > 0 else { throw .shapeMismatch("\(type.name) matrix with no columns") }
        guard !rowBytes.multipliedReportingOverflow(by: rows).overflow else {
            throw .shapeMismatch("\(rows) rows of \(rowBytes) bytes overflow")
        }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.data = data
        self.rowBytes = rowBytes
        self.format = format
        interleaved = nil
        copy = nil
    }

    /// `matrix` with `interleaved` as the copy its products read.
    init(_ matrix: WeightMatrix, interleaved: InterleavedBlocks) {
        self.init(matrix, data: matrix.data, format: matrix.format, interleaved: interleaved, copy: nil)
    }

    /// `matrix` reading its rows from `copy`, which holds the same values.
    init(_ matrix: WeightMatrix, copy: WeightCopy) {
        self.init(matrix, data: UnsafeRawPointer(copy.bytes), format: copy.format, interleaved: nil, copy: copy)
    }

    private init(_ matrix: WeightMatrix, data: UnsafeRawPointer, format: any BlockFormat.Type, interleaved: InterleavedBlocks?,
                 copy: WeightCopy?) {
        type = matrix.type
        rows = matrix.rows
        columns = matrix.columns
        self.data = data
        rowBytes = matrix.rowBytes
        self.format = format
        self.interleaved = interleaved
        self.copy = copy
    }

    /// Describes `rows` × `columns` elements of `type` held by `bytes`, such as
    /// `GGUFFile.data(for:)` returns, checking that the buffer holds exactly that many bytes.
    ///
    /// - Throws: as ``init(type:rows:columns:data:)``, and ``KernelError/shapeMismatch(_:)``
    ///   when the buffer's size is not `rows × rowBytes`.
    public init(type: GGMLType, rows: Int, columns: Int, bytes: UnsafeRawBufferPointer) throws(KernelError) {
        guard let base = bytes.baseAddress else { throw .shapeMismatch("empty buffer for a \(rows)×\(columns) \(type.name) matrix") }
        try self.init(type: type, rows: rows, columns: columns, data: base)
        guard rows * rowBytes == bytes.count else {
            throw .shapeMismatch("\(rows)×\(columns) \(type.name) takes \(rows * rowBytes) bytes, the buffer has \(bytes.count)")
        }
    }

    /// The first byte of row `row` (unchecked: callers stay within `0..<rows`).
    @inline(__always)
    func row(_ row: Int) -> UnsafeRawPointer { data + row * rowBytes }
}
