/// An independent JSON parser and JSON Schema validator for the tests (no code shared with
/// the converter).
indirect enum J: Equatable {
    case null, bool(Bool), number(Double, isInteger: Bool), string(String), array([J]), object([(String, J)])

    static func == (a: J, b: J) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x, _), .number(let y, _)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && x.allSatisfy { kv in y.contains { $0.0 == kv.0 && $0.1 == kv.1 } }
        default: false
        }
    }

    subscript(key: String) -> J? {
        if case .object(let m) = self { return m.first { $0.0 == key }?.1 }
        return nil
    }
}

struct JParser {
    var s: [Character]
    var i = 0
    static func parse(_ text: String) -> J? {
        var p = JParser(s: Array(text))
        guard let v = p.value() else { return nil }
        p.space()
        return p.i == p.s.count ? v : nil
    }
    mutating func space() { while i < s.count, " \t\n\r".contains(s[i]) { i += 1 } }
    mutating func word(_ w: String) -> Bool {
        let a = Array(w)
        guard i + a.count <= s.count, Array(s[i..<i + a.count]) == a else { return false }
        i += a.count
        return true
    }
    mutating func value() -> J? {
        space()
        guard i < s.count else { return nil }
        if word("null") { return .null }
        if word("true") { return .bool(true) }
        if word("false") { return .bool(false) }
        if s[i] == "\"" { return string().map { .string($0) } }
        if s[i] == "[" {
            i += 1; space()
            var items: [J] = []
            if i < s.count, s[i] == "]" { i += 1; return .array(items) }
            while true {
                guard let v = value() else { return nil }
                items.append(v); space()
                guard i < s.count else { return nil }
                if s[i] == "," { i += 1; continue }
                if s[i] == "]" { i += 1; return .array(items) }
                return nil
            }
        }
        if s[i] == "{" {
            i += 1; space()
            var members: [(String, J)] = []
            if i < s.count, s[i] == "}" { i += 1; return .object(members) }
            while true {
                space()
                guard i < s.count, s[i] == "\"", let k = string() else { return nil }
                space()
                guard word(":"), let v = value() else { return nil }
                members.append((k, v)); space()
                guard i < s.count else { return nil }
                if s[i] == "," { i += 1; continue }
                if s[i] == "}" { i += 1; return .object(members) }
                return nil
            }
        }
        let start = i
        if s[i] == "-" { i += 1 }
        guard i < s.count, s[i].isASCII, s[i].isNumber else { return nil }
        if s[i] == "0" { i += 1 } else { while i < s.count, s[i].isASCII, s[i].isNumber { i += 1 } }
        var integer = true
        if i < s.count, s[i] == "." {
            integer = false; i += 1
            let d = i
            while i < s.count, s[i].isASCII, s[i].isNumber { i += 1 }
            guard i > d else { return nil }
        }
        if i < s.count, s[i] == "e" || s[i] == "E" {
            integer = false; i += 1
            if i < s.count, s[i] == "+" || s[i] == "-" { i += 1 }
            let d = i
            while i < s.count, s[i].isASCII, s[i].isNumber { i += 1 }
            guard i > d else { return nil }
        }
        guard let n = Double(String(s[start..<i])) else { return nil }
        return .number(n, isInteger: integer || n == n.rounded())
    }
    mutating func string() -> String? {
        i += 1
        var out = ""
        while i < s.count {
            let c = s[i]; i += 1
            if c == "\"" { return out }
            if c.unicodeScalars.first!.value < 0x20 { return nil }
            if c != "\\" { out.append(c); continue }
            guard i < s.count else { return nil }
            let e = s[i]; i += 1
            switch e {
            case "\"", "\\", "/": out.append(e)
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "u":
                guard i + 4 <= s.count, let v = UInt32(String(s[i..<i + 4]), radix: 16) else { return nil }
                i += 4
                out.unicodeScalars.append(Unicode.Scalar(v) ?? "?")
            default: return nil
            }
        }
        return nil
    }
}

/// Validates `value` against `schema` (both parsed by `JParser`); `root` resolves `$ref`.
func validates(_ value: J, _ schema: J, root: J) -> Bool {
    if case .bool(let b) = schema { return b }
    if case .string(let ref)? = schema["$ref"] {
        var target = root
        for part in ref.dropFirst(2).split(separator: "/") { target = target[String(part)]! }
        return validates(value, target, root: root)
    }
    if let c = schema["const"], c != value { return false }
    if case .array(let options)? = schema["enum"], !options.contains(value) { return false }
    if case .array(let list)? = schema["anyOf"], !list.contains(where: { validates(value, $0, root: root) }) { return false }
    if case .array(let list)? = schema["oneOf"], list.filter({ validates(value, $0, root: root) }).count != 1 { return false }
    if case .array(let list)? = schema["allOf"], !list.allSatisfy({ validates(value, $0, root: root) }) { return false }
    var types: [String] = []
    if case .string(let t)? = schema["type"] { types = [t] }
    if case .array(let ts)? = schema["type"] { types = ts.compactMap { if case .string(let t) = $0 { t } else { nil } } }
    func isType(_ t: String) -> Bool {
        switch (t, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .number(_, let isInteger)): isInteger
        default: false
        }
    }
    if !types.isEmpty, !types.contains(where: isType) { return false }
    func number(_ k: String) -> Double? { if case .number(let n, _)? = schema[k] { n } else { nil } }
    switch value {
    case .string(let s):
        let n = s.unicodeScalars.count
        if let m = number("minLength"), Double(n) < m { return false }
        if let m = number("maxLength"), Double(n) > m { return false }
        if case .string("date")? = schema["format"] {
            let p = Array(s)
            guard p.count == 10, p[4] == "-", p[7] == "-", let mo = Int(String(p[5...6])), let d = Int(String(p[8...9])),
                  (1...12).contains(mo), (1...31).contains(d) else { return false }
        }
        if case .string("uuid")? = schema["format"] {
            let groups = s.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
            guard groups == [8, 4, 4, 4, 12], s.allSatisfy({ $0 == "-" || $0.isHexDigit }) else { return false }
        }
    case .number(let x, _):
        if let m = number("minimum"), x < m { return false }
        if let m = number("maximum"), x > m { return false }
        if let m = number("exclusiveMinimum"), x <= m { return false }
        if let m = number("exclusiveMaximum"), x >= m { return false }
    case .array(let items):
        if let m = number("minItems"), Double(items.count) < m { return false }
        if let m = number("maxItems"), Double(items.count) > m { return false }
        var prefixCount = 0
        if case .array(let prefix)? = schema["prefixItems"] {
            prefixCount = prefix.count
            for (v, s) in zip(items, prefix) where !validates(v, s, root: root) { return false }
        }
        if let itemSchema = schema["items"] {
            for v in items.dropFirst(prefixCount) where !validates(v, itemSchema, root: root) { return false }
        }
    case .object(let members):
        var known: [String] = []
        if case .object(let props)? = schema["properties"] {
            known = props.map(\.0)
            // Declared properties appear at most once; free-form keys may repeat (a grammar
            // cannot rule that out, and JSON Schema leaves duplicates to the parser).
            for k in known where members.filter({ $0.0 == k }).count > 1 { return false }
            for (k, s) in props { if let v = value[k], !validates(v, s, root: root) { return false } }
        }
        if case .array(let req)? = schema["required"] {
            for case .string(let k) in req where value[k] == nil { return false }
        }
        if let extra = schema["additionalProperties"] {
            for (k, v) in members where !known.contains(k) && !validates(v, extra, root: root) { return false }
        }
    default: break
    }
    return true
}
