/// Everything that can be wrong with a GGUF file or with a lookup in one.
///
/// Each case carries what a user needs to find the problem: the byte offset in the file,
/// the metadata key or the tensor name.
public enum GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case cannotOpen(path: String, reason: String)
    /// The first four bytes are not `GGUF`.
    case badMagic(found: UInt32)
    /// The format version is not 2 or 3.
    case unsupportedVersion(UInt32)
    /// The file ends before `what` (which starts at `offset` and needs `needed` bytes) is complete.
    case truncated(what: String, offset: Int, needed: Int, fileSize: Int)
    /// A count or a size read at `offset` does not fit the file or overflows.
    case countTooLarge(what: String, offset: Int, count: UInt64)
    /// A string read at `offset` is not valid UTF-8.
    case invalidUTF8(what: String, offset: Int)
    /// A metadata key appears twice.
    case duplicateKey(String, offset: Int)
    /// A metadata value has a type tag outside the GGUF spec.
    case unknownValueType(UInt32, key: String, offset: Int)
    /// Arrays nest deeper than the reader allows.
    case nestingTooDeep(key: String, offset: Int)
    /// `general.alignment` is zero, not a power of two, or not an integer.
    case invalidAlignment(String)
    /// A tensor name appears twice.
    case duplicateTensor(String, offset: Int)
    /// A tensor's type id is not a ggml type.
    case unknownTensorType(UInt32, tensor: String, offset: Int)
    /// A tensor's type is one ggml has removed and whose data cannot be sized.
    case removedTensorType(GGMLType, tensor: String)
    /// A tensor has more dimensions than ggml allows (4) or none.
    case invalidDimensionCount(Int, tensor: String, offset: Int)
    /// A tensor's element count or byte size overflows.
    case tensorSizeOverflow(tensor: String, shape: [UInt64])
    /// A tensor's first dimension is not a multiple of its type's block size.
    case notBlockMultiple(tensor: String, type: GGMLType, firstDimension: UInt64, blockSize: Int)
    /// A tensor's data lies (partly) outside the file.
    case tensorDataOutOfBounds(tensor: String, offset: Int, byteCount: Int, fileSize: Int)
    /// A tensor's data offset is not a multiple of the file's alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A metadata key that was asked for is not in the file.
    case missingKey(String)
    /// A metadata key holds a value of another type than the one asked for.
    case typeMismatch(key: String, expected: String, found: String)
    /// A tensor that was asked for is not in the file.
    case missingTensor(String)
    /// Writing a file failed.
    case writeFailed(path: String, reason: String)
    /// A value or tensor handed to the writer is not valid.
    case invalidWriterInput(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason)"
        case .badMagic(let found):
            "not a GGUF file: bad magic 0x\(String(found, radix: 16)) at offset 0 (expected 'GGUF')"
        case .unsupportedVersion(let v):
            v == 1 ? "GGUF version 1 is not supported (only versions 2 and 3)"
                : "unknown GGUF version \(v) at offset 4 (only versions 2 and 3 are supported)"
        case .truncated(let what, let offset, let needed, let size):
            "file truncated: \(what) at offset \(offset) needs \(needed) bytes but the file has \(size)"
        case .countTooLarge(let what, let offset, let count):
            "\(what) at offset \(offset) is \(count), more than the file can hold"
        case .invalidUTF8(let what, let offset):
            "\(what) at offset \(offset) is not valid UTF-8"
        case .duplicateKey(let key, let offset):
            "duplicate metadata key '\(key)' at offset \(offset)"
        case .unknownValueType(let t, let key, let offset):
            "unknown value type \(t) for key '\(key)' at offset \(offset)"
        case .nestingTooDeep(let key, let offset):
            "arrays nested too deeply in key '\(key)' at offset \(offset)"
        case .invalidAlignment(let value):
            "general.alignment must be a non-zero power of two, found \(value)"
        case .duplicateTensor(let name, let offset):
            "duplicate tensor name '\(name)' at offset \(offset)"
        case .unknownTensorType(let t, let name, let offset):
            "tensor '\(name)' has unknown type id \(t) at offset \(offset)"
        case .removedTensorType(let type, let name):
            "tensor '\(name)' has type \(type.name), which ggml has removed"
        case .invalidDimensionCount(let n, let name, let offset):
            "tensor '\(name)' has \(n) dimensions at offset \(offset) (1 to 4 allowed)"
        case .tensorSizeOverflow(let name, let shape):
            "tensor '\(name)' with shape \(shape) is too large"
        case .notBlockMultiple(let name, let type, let dim, let block):
            "tensor '\(name)' of type \(type.name) has first dimension \(dim), not a multiple of the block size \(block)"
        case .tensorDataOutOfBounds(let name, let offset, let count, let size):
            "tensor '\(name)' data at offset \(offset) (\(count) bytes) extends past the end of the file (\(size) bytes)"
        case .misalignedTensor(let name, let offset, let alignment):
            "tensor '\(name)' data offset \(offset) is not a multiple of the alignment \(alignment)"
        case .missingKey(let key):
            "metadata key '\(key)' not found"
        case .typeMismatch(let key, let expected, let found):
            "metadata key '\(key)' is \(found), expected \(expected)"
        case .missingTensor(let name):
            "tensor '\(name)' not found"
        case .writeFailed(let path, let reason):
            "cannot write \(path): \(reason)"
        case .invalidWriterInput(let reason):
            "invalid GGUF writer input: \(reason)"
        }
    }
}
