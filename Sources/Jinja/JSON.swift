/// JSON in and out: the `tojson` filter writes what Python's `json.dumps` writes, and
/// ``Value/init(json:)`` reads JSON keeping the order of object keys.
extension Renderer {
    /// transformers' `tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)`.
    func toJSON(_ value: Value, _ args: CallArguments) throws(JinjaError) -> String {
        let ensureASCII = args.value(0, "ensure_ascii")?.isTruthy ?? false
        var indent: String?
        switch args.value(1, "indent") {
        case nil, .none?: indent = nil
        case .string(let s)?: indent = s
        case let other?:
            guard case .int(let n)? = other.number else { throw .type("tojson indent must be an integer or string") }
            try checkLength(n)
            indent = String(repeating: " ", count: max(n, 0))
        }
        var itemSeparator = indent == nil ? ", " : ","
        var keySeparator = ": "
        if let separators = args.value(2, "separators"), !(separators == .none) {
            guard case .array(let pair) = separators, pair.count == 2, case .string(let a) = pair[0], case .string(let b) = pair[1] else {
                throw .type("tojson separators must be a pair of strings")
            }
            itemSeparator = a
            keySeparator = b
        }
        let sortKeys = args.value(3, "sort_keys")?.isTruthy ?? false
        var writer = JSONWriter(
            ensureASCII: ensureASCII, indent: indent, itemSeparator: itemSeparator, keySeparator: keySeparator,
            sortKeys: sortKeys, limit: limits.maxOutputBytes)
        try writer.write(value, level: 0)
        try chargeBytes(writer.out.utf8.count)
        return writer.out
    }
}

extension Value {
    /// The value as Python's `json.dumps` writes it by default (`", "` and `": "` separators,
    /// non-ASCII kept), or `nil` for a value JSON cannot hold (a macro, say).
    public var jsonText: String? {
        var writer = JSONWriter(
            ensureASCII: false, indent: nil, itemSeparator: ", ", keySeparator: ": ", sortKeys: false, limit: .max)
        do { try writer.write(self, level: 0) } catch { return nil }
        return writer.out
    }
}

/// Writes a value as Python's `json.dumps` does with the given options.
private struct JSONWriter {
    let ensureASCII: Bool
    let indent: String?
    let itemSeparator: String
    let keySeparator: String
    let sortKeys: Bool
    let limit: Int
    var out = ""

    mutating func write(_ value: Value, level: Int) throws(JinjaError) {
        if out.utf8.count > limit { throw .limit("tojson output is longer than \(limit) bytes") }
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += pythonFloat(d) }
        case .string(let s): writeString(s)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(level + 1)
                try write(item, level: level + 1)
            }
            newline(level)
            out += "]"
        case .object(let object):
            guard object.count > 0 else { out += "{}"; return }
            var pairs = object.pairs
            if sortKeys {
                pairs.sort { pythonLess($0.key, $1.key) ?? false }
            }
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(level + 1)
                // json.dumps writes non-string keys as strings: 1 -> "1", True -> "true", None -> "null".
                switch pair.key {
                case .string(let key): writeString(key)
                case .bool(let b): writeString(b ? "true" : "false")
                case .none: writeString("null")
                default: writeString(pair.key.pythonRepr)
                }
                out += keySeparator
                try write(pair.value, level: level + 1)
            }
            newline(level)
            out += "}"
        case .undefined:
            throw .type("Object of type Undefined is not JSON serializable")
        case .opaque:
            throw .type("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private mutating func newline(_ level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }

    private mutating func writeString(_ s: String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += "\\u" + hex(0xD800 + (v >> 10), width: 4) + "\\u" + hex(0xDC00 + (v & 0x3FF), width: 4)
                    } else {
                        out += "\\u" + hex(scalar.value, width: 4)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension Value {
    /// Reads JSON text: objects become ``Object`` with their keys in the order written, numbers
    /// without a fraction or exponent become `int`, `null` becomes `none`.
    public init(json text: String) throws(JinjaError) {
        var reader = JSONReader(bytes: Array(text.utf8))
        reader.skipSpace()
        self = try reader.readValue(depth: 0)
        reader.skipSpace()
        guard reader.position == reader.bytes.count else { throw reader.error("unexpected text after the JSON value") }
    }
}

/// A recursive-descent JSON reader over UTF-8 bytes, nesting at most 512 deep.
private struct JSONReader {
    let bytes: [UInt8]
    var position = 0

    func error(_ message: String) -> JinjaError { .type("invalid JSON at byte \(position): \(message)") }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func readValue(depth: Int) throws(JinjaError) -> Value {
        guard depth < 512 else { throw error("nested too deeply") }
        guard position < bytes.count else { throw error("unexpected end") }
        switch bytes[position] {
        case 0x7B:
            position += 1
            var object = Object()
            skipSpace()
            if position < bytes.count && bytes[position] == 0x7D { position += 1; return .object(object) }
            while true {
                skipSpace()
                guard position < bytes.count, bytes[position] == 0x22 else { throw error("expected a key") }
                let key = try readString()
                skipSpace()
                guard position < bytes.count, bytes[position] == 0x3A else { throw error("expected ':'") }
                position += 1
                skipSpace()
                object[key] = try readValue(depth: depth + 1)
                skipSpace()
                guard position < bytes.count else { throw error("unexpected end") }
                if bytes[position] == 0x2C { position += 1; continue }
                guard bytes[position] == 0x7D else { throw error("expected ',' or '}'") }
                position += 1
                return .object(object)
            }
        case 0x5B:
            position += 1
            var items: [Value] = []
            skipSpace()
            if position < bytes.count && bytes[position] == 0x5D { position += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try readValue(depth: depth + 1))
                skipSpace()
                guard position < bytes.count else { throw error("unexpected end") }
                if bytes[position] == 0x2C { position += 1; continue }
                guard bytes[position] == 0x5D else { throw error("expected ',' or ']'") }
                position += 1
                return .array(items)
            }
        case 0x22:
            return .string(try readString())
        case 0x74: return try readWord("true", .bool(true))
        case 0x66: return try readWord("false", .bool(false))
        case 0x6E: return try readWord("null", .none)
        default:
            return try readNumber()
        }
    }

    private mutating func readWord(_ word: String, _ value: Value) throws(JinjaError) -> Value {
        let w = Array(word.utf8)
        guard position + w.count <= bytes.count, Array(bytes[position..<position + w.count]) == w else { throw error("unexpected text") }
        position += w.count
        return value
    }

    private mutating func readNumber() throws(JinjaError) -> Value {
        let start = position
        var isFloat = false
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x2E || b == 0x65 || b == 0x45 { isFloat = true } else if !(b == 0x2D || b == 0x2B || (b >= 0x30 && b <= 0x39)) { break }
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !isFloat, let i = Int(text) { return .int(i) }
        guard !text.isEmpty, let d = Double(text) else { throw error("invalid number '\(text)'") }
        return .double(d)
    }

    private mutating func readHex4() throws(JinjaError) -> UInt32 {
        guard position + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
            throw error("invalid \\u escape")
        }
        position += 4
        return v
    }

    private mutating func readString() throws(JinjaError) -> String {
        position += 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("unterminated string") }
            let b = bytes[position]
            position += 1
            if b == 0x22 { break }
            guard b == 0x5C else { out.append(b); continue }
            guard position < bytes.count else { throw error("unterminated string") }
            let e = bytes[position]
            position += 1
            switch e {
            case 0x6E: out.append(0x0A)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x75:
                var code = try readHex4()
                if code >= 0xD800 && code < 0xDC00, position + 6 <= bytes.count, bytes[position] == 0x5C, bytes[position + 1] == 0x75 {
                    position += 2
                    let low = try readHex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
