/// One GGUF metadata value.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The value as an integer when it is of an integer type (or a bool) and fits in `Int`.
    public var integerValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    /// The value as a `Double` when it is numeric.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .uint64(let v): Double(v)
        case .int64(let v): Double(v)
        default: integerValue.map(Double.init)
        }
    }
}

/// A GGUF metadata array: all elements share one type. Arrays of arrays hold
/// inner arrays that each carry their own element type.
public enum GGUFArray: Sendable, Equatable {
    case uint8([UInt8])
    case int8([Int8])
    case uint16([UInt16])
    case int16([Int16])
    case uint32([UInt32])
    case int32([Int32])
    case float32([Float])
    case bool([Bool])
    case string([String])
    case array([GGUFArray])
    case uint64([UInt64])
    case int64([Int64])
    case float64([Double])

    /// The type of every element.
    public var elementType: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// Number of elements.
    public var count: Int {
        switch self {
        case .uint8(let a): a.count
        case .int8(let a): a.count
        case .uint16(let a): a.count
        case .int16(let a): a.count
        case .uint32(let a): a.count
        case .int32(let a): a.count
        case .float32(let a): a.count
        case .bool(let a): a.count
        case .string(let a): a.count
        case .array(let a): a.count
        case .uint64(let a): a.count
        case .int64(let a): a.count
        case .float64(let a): a.count
        }
    }

    /// The element at `index` as a standalone value.
    public subscript(index: Int) -> GGUFValue {
        switch self {
        case .uint8(let a): .uint8(a[index])
        case .int8(let a): .int8(a[index])
        case .uint16(let a): .uint16(a[index])
        case .int16(let a): .int16(a[index])
        case .uint32(let a): .uint32(a[index])
        case .int32(let a): .int32(a[index])
        case .float32(let a): .float32(a[index])
        case .bool(let a): .bool(a[index])
        case .string(let a): .string(a[index])
        case .array(let a): .array(a[index])
        case .uint64(let a): .uint64(a[index])
        case .int64(let a): .int64(a[index])
        case .float64(let a): .float64(a[index])
        }
    }

    /// The elements as integers, when the element type is an integer type and every value fits in `Int`.
    public var integers: [Int]? {
        switch self {
        case .uint8(let a): a.map(Int.init)
        case .int8(let a): a.map(Int.init)
        case .uint16(let a): a.map(Int.init)
        case .int16(let a): a.map(Int.init)
        case .uint32(let a): a.map(Int.init)
        case .int32(let a): a.map(Int.init)
        case .int64(let a): a.map(Int.init)
        case .uint64(let a):
            a.allSatisfy { $0 <= UInt64(Int.max) } ? a.map { Int($0) } : nil
        default: nil
        }
    }
}
