/// A value a template works with: what the caller passes in, what expressions produce.
///
/// The cases follow the Python types that jinja2 templates see: `None`, booleans, integers,
/// floats, strings, lists and dicts (``Object``, which keeps its keys in insertion order as a
/// Python dict does). ``undefined(_:)`` is jinja2's default `Undefined`: it prints as nothing, is
/// falsy and iterates as empty, and most other uses are an error. ``opaque(_:)`` holds what only
/// a render creates (functions, macros, namespaces).
public indirect enum Value: Sendable {
    /// A missing value; the text says what was missing, for error messages.
    case undefined(String? = nil)
    /// Python's `None`.
    case none
    /// `True` or `False`.
    case bool(Bool)
    /// An integer (64-bit here; Python's are unbounded, so overflow is an error).
    case int(Int)
    /// A float.
    case double(Double)
    /// Text; lengths and indexes count Unicode scalars, as Python's do.
    case string(String)
    /// A list (tuples are lists too).
    case array([Value])
    /// A dict with string keys in insertion order.
    case object(Object)
    /// A function, macro or namespace made during a render.
    case opaque(Opaque)
}

/// A dict that remembers the order keys were first inserted in. Keys are mostly strings; a
/// template's dict literal may also use numbers, booleans or `None`, as Python allows.
public struct Object: Sendable {
    /// The keys, in insertion order.
    public private(set) var keys: [Value] = []
    private var storage: [ObjectKey: Value] = [:]

    /// An empty dict.
    public init() {}

    /// A dict holding `pairs` in their order; a repeated key keeps its first position and last value.
    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of entries.
    public var count: Int { keys.count }

    /// The value for a string key, or `nil`; setting a new key appends it, setting `nil` removes it.
    public subscript(key: String) -> Value? {
        get { storage[.string(key)] }
        set { set(.string(key), Value.string(key), newValue) }
    }

    /// The value for `key`, or `nil` (also for a key Python could not hash, such as a list).
    public subscript(key: Value) -> Value? {
        get { ObjectKey(key).flatMap { storage[$0] } }
        set {
            guard let hashKey = ObjectKey(key) else { return }
            set(hashKey, key, newValue)
        }
    }

    private mutating func set(_ hashKey: ObjectKey, _ key: Value, _ newValue: Value?) {
        if let newValue {
            if storage.updateValue(newValue, forKey: hashKey) == nil { keys.append(key) }
        } else if storage.removeValue(forKey: hashKey) != nil {
            keys.removeAll { ObjectKey($0) == hashKey }
        }
    }

    /// The entries as key-value pairs, in order.
    public var pairs: [(key: Value, value: Value)] { keys.map { ($0, storage[ObjectKey($0)!]!) } }

    /// The values, in key order.
    public var values: [Value] { keys.map { storage[ObjectKey($0)!]! } }
}

/// A dict key as Python hashes it: `1`, `1.0` and `True` are the same key.
enum ObjectKey: Hashable, Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case none

    /// `nil` for values Python cannot use as keys (lists, dicts, undefined).
    init?(_ value: Value) {
        switch value {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .bool(let b): self = .int(b ? 1 : 0)
        case .double(let d):
            if d == d.rounded(), abs(d) < 9.2e18 { self = .int(Int(d)) } else { self = .double(d) }
        case .none: self = .none
        default: return nil
        }
    }
}

/// Values only a render makes: callables and namespaces. Their contents are internal.
public struct Opaque: Sendable {
    let kind: OpaqueKind
}

/// What an ``Opaque`` value is.
indirect enum OpaqueKind: Sendable {
    /// A global function such as `range` or `namespace`.
    case builtin(String)
    /// A method bound to its receiver, such as `'a b'.split`.
    case method(Value, String)
    /// A template macro. `scope` is the variables it sees besides its arguments: `nil` for a
    /// macro defined with `{% macro %}` (it sees the top-level ones at call time), the call
    /// site's scopes for the `caller` of a `{% call %}` block.
    case macro(MacroDefinition, scope: [[String: Value]]?)
    /// `loop.cycle`, bound to the iteration's index.
    case cycle(index: Int)
    /// A `for` loop's `loop` variable at iteration `index` over `items`; its attributes
    /// (`index`, `first`, `previtem`...) are computed when read.
    case loop(index: Int, items: [Value])
    /// A `namespace()` object: the only value templates may change in place.
    case namespace(Namespace)
}

/// The mutable attributes of a `namespace()` value. A render runs on one thread, and a namespace
/// never outlives its render, so sharing it unsynchronized is safe.
final class Namespace: @unchecked Sendable {
    var attributes: Object
    init(_ attributes: Object) { self.attributes = attributes }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .object(Object(elements)) }
    public init(nilLiteral: ()) { self = .none }
}

extension Value {
    /// Whether the value is undefined.
    public var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python's truth value: empty strings, lists and dicts, zero, `None` and undefined are false.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return o.count > 0
        case .opaque: return true
        }
    }

    /// The Python type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        case .opaque(let o):
            switch o.kind {
            case .namespace: return "Namespace"
            case .macro: return "Macro"
            case .loop: return "LoopContext"
            default: return "function"
            }
        }
    }

    /// The value as a number, for arithmetic: booleans count as 0 and 1 as in Python.
    var number: Number? {
        switch self {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return .double(d)
        default: return nil
        }
    }
}

/// An integer or a float, as Python's arithmetic distinguishes them.
enum Number {
    case int(Int)
    case double(Double)

    var asDouble: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }
}

// MARK: - Equality and ordering, as Python compares

extension Value: Equatable {
    /// Python's `==`: numbers compare by value across int, float and bool; strings by their code
    /// points (no Unicode normalization); lists element by element; dicts by their entries in any
    /// order. Undefined equals only undefined.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.pairs {
                guard let other = b[key], other == value else { return false }
            }
            return true
        case (.opaque(let a), .opaque(let b)):
            if case .namespace(let x) = a.kind, case .namespace(let y) = b.kind { return x === y }
            return false
        default:
            guard let x = lhs.number, let y = rhs.number else { return false }
            switch (x, y) {
            case (.int(let i), .int(let j)): return i == j
            default: return x.asDouble == y.asDouble
            }
        }
    }
}

/// Python's `<` between two values, or `nil` where Python raises a TypeError.
func pythonLess(_ lhs: Value, _ rhs: Value) -> Bool? {
    switch (lhs, rhs) {
    case (.string(let a), .string(let b)):
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    case (.array(let a), .array(let b)):
        for (x, y) in zip(a, b) where x != y { return pythonLess(x, y) }
        return a.count < b.count
    default:
        guard let x = lhs.number, let y = rhs.number else { return nil }
        if case .int(let i) = x, case .int(let j) = y { return i < j }
        return x.asDouble < y.asDouble
    }
}

// MARK: - Printing as Python prints

extension Value {
    /// What `str(value)` gives in Python, which is what `{{ value }}` prints: `None`, `True`,
    /// a list or dict as its repr; undefined prints as nothing.
    public var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let s): return s
        default: return pythonRepr
        }
    }

    /// What `repr(value)` gives in Python: strings quoted as Python quotes them, lists and dicts
    /// with their items' reprs.
    public var pythonRepr: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return pythonFloat(d)
        case .string(let s): return pythonStringRepr(s)
        case .array(let a): return "[" + a.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.pairs.map { $0.key.pythonRepr + ": " + $0.value.pythonRepr }.joined(separator: ", ") + "}"
        case .opaque(let o):
            switch o.kind {
            case .namespace(let ns): return "<Namespace " + Value.object(ns.attributes).pythonRepr + ">"
            case .macro(let m, _): return "<Macro '\(m.name)'>"
            case .builtin(let name), .method(_, let name): return "<built-in function \(name)>"
            case .cycle: return "<bound method cycle>"
            case .loop: return "<LoopContext>"
            }
        }
    }
}

/// Python's `repr(float)`: the shortest digits that read back as the same double, in fixed
/// notation (with `.0` on integral values) for decimal exponents -4 to 15, else as `1.5e+16`.
func pythonFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    let sign = d.sign == .minus ? "-" : ""
    if d.isInfinite { return sign + "inf" }
    // Swift's description has the same shortest round-trip digits; only where it switches to
    // an exponent differs (at 2^53 rather than 1e16), so the digits are laid out again here.
    let text = d.magnitude.description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(of: "e") {
        mantissa = text[..<e]
        exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    var digits = Array(pieces[0] + (pieces.count > 1 ? pieces[1] : ""))
    var point = pieces[0].count + exponent
    while digits.count > 1 && digits.first == "0" { digits.removeFirst(); point -= 1 }
    while digits.count > 1 && digits.last == "0" { digits.removeLast() }
    if digits == ["0"] { return sign + "0.0" }
    let scientific = point - 1
    if scientific >= -4 && scientific < 16 {
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
    let lead = String(digits[0]) + (digits.count > 1 ? "." + String(digits[1...]) : "")
    let magnitude = String(abs(scientific))
    return sign + lead + "e" + (scientific < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote;
/// backslash, the quote, `\n`, `\r`, `\t` escaped; characters Python deems unprintable as
/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
func pythonStringRepr(_ s: String) -> String {
    let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if Character(scalar) == quote {
                out += "\\" + String(quote)
            } else if isPythonPrintable(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar.value < 0x100 {
                out += "\\x" + hex(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                out += "\\u" + hex(scalar.value, width: 4)
            } else {
                out += "\\U" + hex(scalar.value, width: 8)
            }
        }
    }
    out.append(quote)
    return out
}

/// Python's `str.isprintable` for one character: not a control, format, separator (other than
/// the space), surrogate, private-use or unassigned code point.
private func isPythonPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator, .lineSeparator, .paragraphSeparator:
        return false
    default:
        return true
    }
}

/// `value` in lowercase hexadecimal, zero-padded to `width` digits.
func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
