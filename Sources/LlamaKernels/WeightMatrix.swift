import GGUF

/// How the bytes of a ``WeightMatrix`` are laid out at its ``WeightMatrix/data``.
///
/// Only ``file`` is GGUF's layout. The others are copies that ``Kernels/prepared(_:pool:copied:)``
/// makes for this build's native kernels: the same values as the file's blocks, but bytes that
/// must not be read as blocks of ``WeightMatrix/type``. Whatever the layout,
/// ``Kernels/dequantize(_:row:into:)`` decodes a row and the products read the matrix; code of
/// its own that reads the bytes (a custom `Backend`) checks for ``file`` first, or takes them
/// through ``WeightMatrix/fileRow(_:)``, which returns them only in that layout.
public enum WeightLayout: Sendable, Hashable, CustomStringConvertible {
    /// Blocks of the matrix's type exactly as GGUF stores them, one row after another.
    case file
    /// Q4_0, Q4_1, Q5_0 or Q5_1 rows interleaved by ``interleavedGroupRows``: for each group of
    /// eight rows and each block of 32 columns, the eight rows' fields side by side (their scales,
    /// then their minimums, fifth bits and codes), so that one vector instruction advances eight
    /// rows. Groups follow one another; no row's blocks are contiguous.
    case interleavedRows
    /// K-quant blocks of the file's size and in the file's order, each with its codes reordered
    /// within the block so that every 32-weight step takes two weights of each 16-weight group;
    /// the scales are where the file has them.
    case groupOrder

    /// Rows per group in ``interleavedRows``.
    public static let interleavedGroupRows = 8

    /// Whether row `r` is the `rowBytes` bytes at `data + r × rowBytes` (every layout but
    /// ``interleavedRows``).
    public var hasContiguousRows: Bool { self != .interleavedRows }

    public var description: String {
        switch self {
        case .file: "file blocks"
        case .interleavedRows: "rows interleaved by \(Self.interleavedGroupRows)"
        case .groupOrder: "K-quant blocks in group order"
        }
    }
}

/// A read-only 2-D weight matrix: `rows` rows of `columns` elements of ``type``, row-major, its
/// bytes laid out as ``layout`` says (GGUF's blocks as the file holds them, or, after
/// ``Kernels/prepared(_:pool:copied:)``, a copy laid out for the native kernels).
///
/// A matrix made with one of the initialisers does not own its memory: keep the
/// ``GGUF/GGUFFile`` (or whatever holds the bytes) alive while the matrix is used. A prepared
/// copy belongs to the matrix values made from it and is freed with the last of them. A matrix
/// is a plain value and safe to share between threads, since the kernels only read its bytes.
public struct WeightMatrix: @unchecked Sendable {
    /// The weight type: the GGUF element type of the tensor, whose values the matrix holds in any
    /// layout. It is the type of the blocks at ``data`` only when ``layout`` is ``WeightLayout/file``.
    public let type: GGMLType
    /// Number of rows (output features).
    public let rows: Int
    /// Elements per row (input features); a whole number of blocks.
    public let columns: Int
    /// How the bytes at ``data`` are laid out.
    public let layout: WeightLayout
    /// The first of the matrix's `rows × rowBytes` bytes, laid out as ``layout`` says: GGUF blocks
    /// of ``type``, rows following each other without padding, only in ``WeightLayout/file``
    /// (which ``fileRow(_:)`` checks).
    public let data: UnsafeRawPointer
    /// Bytes of one row of ``type``'s blocks: each row's share of ``data`` in every layout.
    public let rowBytes: Int

    /// The format the products and ``row(_:)``'s readers decode blocks with: the type's own in
    /// `.file`, its repacked layout's in `.groupOrder`; in `.interleavedRows` the type's own, whose
    /// blocks ``InterleavedBlocks`` holds eight rows at a time (read through it, never by row).
    let format: any BlockFormat.Type
    /// The memory at `data` when ``Kernels/prepared(_:pool:copied:)`` made a copy, in any layout;
    /// `nil` when the bytes are the caller's.
    private let storage: WeightStorage?

    /// Whether ``Kernels/prepared(_:pool:copied:)`` made a copy that this value owns (in
    /// ``layout``, which may be the file's): the bytes it was made from are no longer read.
    public var isCopy: Bool { storage != nil }

    /// Describes `rows` × `columns` elements of `type` starting at `data`, GGUF blocks in the
    /// file's layout.
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
        layout = .file
        self.data = data
        self.rowBytes = rowBytes
        self.format = format
        storage = nil
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

    /// The file-layout `matrix`'s values in `layout` at `storage`, which this value owns; `format`
    /// reads the blocks of that layout.
    init(_ matrix: WeightMatrix, layout: WeightLayout, format: any BlockFormat.Type, storage: WeightStorage) {
        precondition(matrix.layout == .file)
        type = matrix.type
        rows = matrix.rows
        columns = matrix.columns
        self.layout = layout
        data = UnsafeRawPointer(storage.bytes)
        rowBytes = matrix.rowBytes
        self.format = format
        self.storage = storage
    }

    /// Row `row`'s GGUF blocks of ``type`` (``rowBytes`` bytes), or `nil` when ``layout`` is not
    /// ``WeightLayout/file`` or `row` is outside `0..<rows`. ``Kernels/dequantize(_:row:into:)``
    /// decodes a row in any layout.
    public func fileRow(_ row: Int) -> UnsafeRawPointer? {
        guard layout == .file, (0..<rows).contains(row) else { return nil }
        return self.row(row)
    }

    /// The first byte of row `row`, whose blocks ``format`` reads (unchecked: callers stay within
    /// `0..<rows`, in a layout with contiguous rows).
    @inline(__always)
    func row(_ row: Int) -> UnsafeRawPointer {
        assert(layout.hasContiguousRows)
        return data + row * rowBytes
    }

    /// Decodes row `row` (within `0..<rows`) into `columns` floats at `dst`, through the layout:
    /// the same floats in every layout.
    func decodeRow(_ row: Int, into dst: UnsafeMutablePointer<Float>) {
        switch layout {
        case .file, .groupOrder: format.dequantize(self.row(row), dst, blocks: columns / format.blockElements)
        case .interleavedRows: InterleavedBlocks(self).dequantize(row: row, into: dst)
        }
    }
}
