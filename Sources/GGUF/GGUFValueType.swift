/// The type tag of a GGUF metadata value, as stored in the file.
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// The name gguf-py uses: `UINT32`, `STRING`, `ARRAY`...
    public var name: String {
        switch self {
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .uint32: "UINT32"
        case .int32: "INT32"
        case .float32: "FLOAT32"
        case .bool: "BOOL"
        case .string: "STRING"
        case .array: "ARRAY"
        case .uint64: "UINT64"
        case .int64: "INT64"
        case .float64: "FLOAT64"
        }
    }

    /// The short name llama.cpp's loader log uses: `u32`, `str`, `arr`...
    public var shortName: String {
        switch self {
        case .uint8: "u8"
        case .int8: "i8"
        case .uint16: "u16"
        case .int16: "i16"
        case .uint32: "u32"
        case .int32: "i32"
        case .float32: "f32"
        case .bool: "bool"
        case .string: "str"
        case .array: "arr"
        case .uint64: "u64"
        case .int64: "i64"
        case .float64: "f64"
        }
    }

    public var description: String { name }

    /// Size in bytes of a fixed-size value, `nil` for strings and arrays.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The smallest number of bytes one value of this type can occupy in a file
    /// (a string is at least its 8-byte length, an array its 4-byte type and 8-byte count).
    var minimumEncodedSize: Int { fixedSize ?? (self == .string ? 8 : 12) }
}
