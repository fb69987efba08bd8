/// One entry of a GGUF tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// Its element type.
    public let type: GGMLType
    /// Its dimensions in ggml order: the fastest-varying (row length) first.
    public let shape: [Int]
    /// Offset of its data from the start of the data section.
    public let relativeOffset: Int
    /// Absolute offset of its data in the file.
    public let offset: Int
    /// Size of its data in bytes.
    public let byteCount: Int

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Elements per row (the first dimension).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows (the product of the other dimensions).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
}

extension GGUFTensorInfo {
    /// The rows `range` of this matrix as a tensor of their own, named `name`: its data is the
    /// slice of this tensor's that holds them (every row is a whole number of blocks). `nil` when
    /// the range is empty or outside the rows, or the tensor is not a matrix.
    public func rows(_ range: Range<Int>, name: String) -> GGUFTensorInfo? {
        guard shape.count == 2, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= rowCount,
              let rowBytes = type.byteCount(elements: rowLength) else { return nil }
        return GGUFTensorInfo(
            name: name, type: type, shape: [rowLength, range.count],
            relativeOffset: relativeOffset + range.lowerBound * rowBytes, offset: offset + range.lowerBound * rowBytes,
            byteCount: range.count * rowBytes)
    }
}
