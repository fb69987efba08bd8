/// The key/value metadata of a GGUF file, in file order, with typed accessors that say
/// which key is missing or of the wrong type.
///
/// ```swift
/// let arch = try file.metadata.string("general.architecture")
/// let layers = try file.metadata.uint32("llama.block_count")
/// ```
public struct GGUFMetadata: Sendable, Equatable {
    /// The keys in file order.
    public private(set) var keys: [String] = []
    private var values: [String: GGUFValue] = [:]

    /// An empty metadata set.
    public init() {}

    /// Number of keys.
    public var count: Int { keys.count }

    /// Every entry in file order.
    public var entries: [(key: String, value: GGUFValue)] {
        keys.map { ($0, values[$0]!) }
    }

    /// The raw value for `key`, or `nil` when the key is absent. Setting `nil` removes the key;
    /// setting a new key appends it.
    public subscript(key: String) -> GGUFValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value for `key`, or ``GGUFError/missingKey(_:)``.
    public func value(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = values[key] else { throw .missingKey(key) }
        return value
    }

    /// A string value.
    public func string(_ key: String) throws(GGUFError) -> String {
        let v = try value(key)
        guard case .string(let s) = v else { throw mismatch(key, "STRING", v) }
        return s
    }

    /// A boolean value.
    public func bool(_ key: String) throws(GGUFError) -> Bool {
        let v = try value(key)
        guard case .bool(let b) = v else { throw mismatch(key, "BOOL", v) }
        return b
    }

    /// An integer value of any GGUF integer type that fits in `Int`.
    public func int(_ key: String) throws(GGUFError) -> Int {
        let v = try value(key)
        guard v.type != .bool, let i = v.integerValue else { throw mismatch(key, "an integer", v) }
        return i
    }

    /// An integer value of any GGUF integer type whose value fits in `UInt32`.
    public func uint32(_ key: String) throws(GGUFError) -> UInt32 {
        let i = try int(key)
        guard let u = UInt32(exactly: i) else {
            throw .typeMismatch(key: key, expected: "a UINT32 value", found: "\(i)")
        }
        return u
    }

    /// A floating-point value (FLOAT32 or FLOAT64, narrowed to `Float`).
    public func float(_ key: String) throws(GGUFError) -> Float {
        let v = try value(key)
        switch v {
        case .float32(let f): return f
        case .float64(let d): return Float(d)
        default: throw mismatch(key, "FLOAT32", v)
        }
    }

    /// An array value of any element type.
    public func array(_ key: String) throws(GGUFError) -> GGUFArray {
        let v = try value(key)
        guard case .array(let a) = v else { throw mismatch(key, "ARRAY", v) }
        return a
    }

    /// An array of strings.
    public func stringArray(_ key: String) throws(GGUFError) -> [String] {
        let a = try array(key)
        guard case .string(let s) = a else { throw arrayMismatch(key, "STRING", a) }
        return s
    }

    /// An array of FLOAT32 values.
    public func floatArray(_ key: String) throws(GGUFError) -> [Float] {
        let a = try array(key)
        guard case .float32(let f) = a else { throw arrayMismatch(key, "FLOAT32", a) }
        return f
    }

    /// An array of any integer element type, as `Int`.
    public func intArray(_ key: String) throws(GGUFError) -> [Int] {
        let a = try array(key)
        guard let ints = a.integers else { throw arrayMismatch(key, "an integer type", a) }
        return ints
    }

    private func mismatch(_ key: String, _ expected: String, _ found: GGUFValue) -> GGUFError {
        .typeMismatch(key: key, expected: expected, found: found.type.name)
    }

    private func arrayMismatch(_ key: String, _ expected: String, _ found: GGUFArray) -> GGUFError {
        .typeMismatch(key: key, expected: "ARRAY of \(expected)", found: "ARRAY of \(found.elementType.name)")
    }

    public static func == (lhs: GGUFMetadata, rhs: GGUFMetadata) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }
}
