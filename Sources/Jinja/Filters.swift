/// The filters (`value | name(args)`), with jinja2's names, arguments and results. Text filters
/// read an undefined value as the empty string and sequence filters as an empty list, as jinja2's do.
extension Renderer {
    static let filterNames: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
        "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
        "min", "pprint", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
        "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper", "wordcount",
    ]

    func applyFilter(_ name: String, to value: Value, _ args: CallArguments) throws(JinjaError) -> Value {
        switch name {
        case "length", "count":
            switch value {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let items): return .int(items.count)
            case .object(let o): return .int(o.count)
            case .undefined: return .int(0)
            default: throw .type("object of type '\(value.typeName)' has no len()")
            }
        case "string":
            return .string(value.pythonString)
        case "safe":
            return value.isUndefined ? .string("") : value
        case "trim":
            let chars: String?
            if case .string(let c)? = args.value(0, "chars") { chars = c } else { chars = nil }
            return .string(pythonStrip(value.pythonString, chars: chars, leading: true, trailing: true))
        case "upper": return .string(value.pythonString.uppercased())
        case "lower": return .string(value.pythonString.lowercased())
        case "capitalize": return .string(pythonCapitalize(value.pythonString))
        case "title": return .string(jinjaTitle(value.pythonString))
        case "e", "escape", "forceescape":
            return .string(htmlEscape(value.pythonString))
        case "pprint":
            return .string(value.pythonRepr)
        case "wordcount":
            var words = 0
            var inWord = false
            for c in value.pythonString.unicodeScalars {
                let wordChar = c.properties.isAlphabetic || c.properties.numericType != nil || c == "_"
                if wordChar && !inWord { words += 1 }
                inWord = wordChar
            }
            return .int(words)
        case "replace":
            guard case .string(let old)? = args.value(0, "old"), case .string(let new)? = args.value(1, "new") else {
                throw .type("replace filter takes two strings")
            }
            var count = -1
            if case .int(let c)? = args.value(2, "count")?.number { count = c }
            let result = pythonReplace(value.pythonString, old, new, count: count)
            try checkLength(result.utf8.count)
            return .string(result)
        case "indent":
            if case .undefined(let hint) = value { throw .undefined(hint ?? "indent of an undefined value") }
            return .string(try indent(value.pythonString, args))
        case "center":
            var width = 80
            if case .int(let w)? = args.value(0, "width")?.number { width = w }
            try checkLength(width)
            let s = value.pythonString
            let missing = max(0, width - s.unicodeScalars.count)
            let left = missing / 2
            return .string(String(repeating: " ", count: left) + s + String(repeating: " ", count: missing - left))
        case "format":
            let text = try percentFormat(value.pythonString, args.positional)
            try checkLength(text.utf8.count)
            return .string(text)
        case "default", "d":
            let fallback = args.value(0, "default_value") ?? .string("")
            let boolean = args.value(1, "boolean")?.isTruthy ?? false
            if value.isUndefined || (boolean && !value.isTruthy) { return fallback }
            return value
        case "tojson":
            return .string(try toJSON(value, args))
        case "int":
            if case .undefined(let hint) = value { throw .undefined(hint ?? "int of an undefined value") }
            let fallback = args.value(0, "default") ?? .int(0)
            var base = 10
            if case .int(let b)? = args.value(1, "base")?.number { base = b }
            return pythonInt(value, base: base) ?? fallback
        case "float":
            if case .undefined(let hint) = value { throw .undefined(hint ?? "float of an undefined value") }
            let fallback = args.value(0, "default") ?? .double(0)
            switch value {
            case .int(let i): return .double(Double(i))
            case .bool(let b): return .double(b ? 1 : 0)
            case .double: return value
            case .string(let s):
                return Double(pythonStrip(s, chars: nil, leading: true, trailing: true).replacingUnderscores()).map(Value.double) ?? fallback
            default: return fallback
            }
        case "abs":
            switch value {
            case .int(let i):
                guard i != .min else { throw .limit("integer overflow") }
                return .int(abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return .double(abs(d))
            default: throw .type("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round":
            var precision = 0
            if case .int(let p)? = args.value(0, "precision")?.number { precision = p }
            var method = "common"
            if case .string(let m)? = args.value(1, "method") { method = m }
            guard let number = value.number else { throw .type("round() of '\(value.typeName)'") }
            // Python's round() of an int stays an int; ceil and floor go through a float.
            if case .int(let i) = number, method == "common", precision >= 0 { return .int(i) }
            let scale = pythonPower(10, Double(precision))
            let scaled = number.asDouble * scale
            let rounded: Double
            switch method {
            case "common": rounded = scaled.rounded(.toNearestOrEven)
            case "ceil": rounded = scaled.rounded(.up)
            case "floor": rounded = scaled.rounded(.down)
            default: throw .runtime("round method must be 'common', 'ceil' or 'floor'")
            }
            return .double(rounded / scale)
        case "list":
            return .array(try iterate(value))
        case "batch":
            guard case .int(let size)? = args.value(0, "linecount")?.number, size > 0 else { throw .type("batch needs a positive size") }
            let fill = args.value(1, "fill_with")
            var batches: [Value] = []
            var current: [Value] = []
            for item in try iterate(value) {
                current.append(item)
                if current.count == size { batches.append(.array(current)); current = [] }
            }
            if !current.isEmpty {
                if let fill, !(fill == .none) { current += Array(repeating: fill, count: size - current.count) }
                batches.append(.array(current))
            }
            return .array(batches)
        case "first":
            return try iterate(value).first ?? .undefined("no first item, sequence was empty")
        case "last":
            return try iterate(value).last ?? .undefined("no last item, sequence was empty")
        case "reverse":
            if case .string(let s) = value { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            return .array(try iterate(value).reversed())
        case "items":
            switch value {
            case .object(let o): return .array(o.pairs.map { .array([$0.key, $0.value]) })
            case .undefined: return .array([])
            default: throw .type("items filter needs a dict, not '\(value.typeName)'")
            }
        case "dictsort":
            guard case .object(let o) = value else { throw .type("dictsort needs a dict, not '\(value.typeName)'") }
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            var byValue = false
            if case .string(let by)? = args.value(1, "by") {
                guard by == "key" || by == "value" else { throw .runtime("dictsort: 'by' must be 'key' or 'value'") }
                byValue = by == "value"
            }
            let reverse = args.value(2, "reverse")?.isTruthy ?? false
            let pairs: [Value] = o.pairs.map { .array([$0.key, $0.value]) }
            return .array(try sortValues(pairs, reverse: reverse) { (pair) throws(JinjaError) -> Value in
                guard case .array(let kv) = pair else { return pair }
                return sortKey(kv[byValue ? 1 : 0], caseSensitive: caseSensitive)
            })
        case "sort":
            let reverse = args.value(0, "reverse")?.isTruthy ?? false
            let caseSensitive = args.value(1, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(2, "attribute")
            return .array(try sortValues(try iterate(value), reverse: reverse) { (item) throws(JinjaError) -> Value in
                sortKey(try attributePath(item, attribute), caseSensitive: caseSensitive)
            })
        case "unique":
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(1, "attribute")
            var seen: [Value] = []
            var result: [Value] = []
            for item in try iterate(value) {
                let key = sortKey(try attributePath(item, attribute), caseSensitive: caseSensitive)
                if !seen.contains(key) {
                    seen.append(key)
                    result.append(item)
                }
            }
            return .array(result)
        case "min", "max":
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(1, "attribute")
            let items = try iterate(value)
            guard var best = items.first else { return .undefined("no \(name) item, sequence was empty") }
            for item in items.dropFirst() {
                let a = sortKey(try attributePath(item, attribute), caseSensitive: caseSensitive)
                let b = sortKey(try attributePath(best, attribute), caseSensitive: caseSensitive)
                guard let less = pythonLess(name == "min" ? a : b, name == "min" ? b : a) else {
                    throw .type("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
                }
                if less { best = item }
            }
            return best
        case "sum":
            var total = args.value(1, "start") ?? .int(0)
            for item in try iterate(value) { total = try binary(.add, total, try attributePath(item, args.value(0, "attribute"))) }
            return total
        case "join":
            var separator = ""
            if let s = args.value(0, "d") { separator = s.pythonString }
            let attribute = args.value(1, "attribute")
            var parts: [String] = []
            for item in try iterate(value) { parts.append(try attributePath(item, attribute).pythonString) }
            let result = parts.joined(separator: separator)
            try checkLength(result.utf8.count)
            return .string(result)
        case "attr":
            guard case .string(let attribute)? = args.value(0, "name") else { throw .type("attr filter takes a name") }
            return try self.attribute(of: value, attribute)
        case "map":
            // jinja2's map, select and their kin give nothing for a falsy value, None included.
            let items = value.isTruthy ? try iterate(value) : []
            if let attribute = args.keyword.first(where: { $0.0 == "attribute" })?.1 {
                let fallback = args.keyword.first { $0.0 == "default" }?.1
                return .array(try items.map { (item) throws(JinjaError) -> Value in
                    let found = try attributePath(item, attribute)
                    if found.isUndefined, let fallback { return fallback }
                    return found
                })
            }
            guard case .string(let filter)? = args.positional.first else { throw .type("map needs a filter name or attribute=") }
            let rest = CallArguments(positional: Array(args.positional.dropFirst()), keyword: args.keyword)
            return .array(try items.map { (item) throws(JinjaError) -> Value in try applyFilter(filter, to: item, rest) })
        case "select", "reject":
            var kept: [Value] = []
            for item in value.isTruthy ? try iterate(value) : [] where try testItem(item, args, from: 0) == (name == "select") {
                kept.append(item)
            }
            return .array(kept)
        case "selectattr", "rejectattr":
            guard let attribute = args.positional.first else { throw .type("\(name) needs an attribute name") }
            var kept: [Value] = []
            for item in value.isTruthy ? try iterate(value) : [] where try testItem(try attributePath(item, attribute), args, from: 1) == (name == "selectattr") {
                kept.append(item)
            }
            return .array(kept)
        default:
            throw .runtime("no filter named '\(name)'")
        }
    }

    /// For select/reject: whether `item` passes the test named at `args.positional[from]` with
    /// the arguments after it; with no test named, whether it is truthy.
    private func testItem(_ item: Value, _ args: CallArguments, from index: Int) throws(JinjaError) -> Bool {
        guard index < args.positional.count else { return item.isTruthy }
        guard case .string(let test) = args.positional[index] else { throw .type("test name must be a string") }
        return try applyTest(test, to: item, CallArguments(positional: Array(args.positional.dropFirst(index + 1))))
    }

    /// The attribute named by `path` (dots for nesting, digits for indexes), as jinja2's
    /// `attribute=` arguments read it; the item itself when `path` is nil.
    func attributePath(_ item: Value, _ path: Value?) throws(JinjaError) -> Value {
        guard let path, !(path == .none) else { return item }
        if case .int = path { return try self.item(of: item, path) }
        var current = item
        for part in path.pythonString.split(separator: ".", omittingEmptySubsequences: false) {
            current = try self.item(of: current, Int(part).map(Value.int) ?? .string(String(part)))
        }
        return current
    }

    /// The key sort, unique, min and max compare by: strings lowercased unless case-sensitive.
    private func sortKey(_ value: Value, caseSensitive: Bool) -> Value {
        if !caseSensitive, case .string(let s) = value { return .string(s.lowercased()) }
        return value
    }

    /// A stable merge sort by Python's `<` on each item's key; mixed types are a TypeError.
    private func sortValues(_ items: [Value], reverse: Bool, key: (Value) throws(JinjaError) -> Value) throws(JinjaError) -> [Value] {
        var keyed: [(Value, Value)] = []
        for item in items { keyed.append((try key(item), item)) }
        func less(_ a: Value, _ b: Value) throws(JinjaError) -> Bool {
            guard let result = pythonLess(a, b) else {
                throw .type("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
            }
            return result
        }
        var width = 1
        while width < keyed.count {
            var merged: [(Value, Value)] = []
            merged.reserveCapacity(keyed.count)
            var start = 0
            while start < keyed.count {
                let mid = min(start + width, keyed.count)
                let end = min(start + 2 * width, keyed.count)
                var i = start
                var j = mid
                while i < mid || j < end {
                    // Take from the right run only when strictly before (reversed: strictly after),
                    // which keeps equal items in their original order as Python's sort does.
                    let takeRight: Bool
                    if i == mid { takeRight = true } else if j == end { takeRight = false } else {
                        takeRight = reverse ? try less(keyed[i].0, keyed[j].0) : try less(keyed[j].0, keyed[i].0)
                    }
                    if takeRight { merged.append(keyed[j]); j += 1 } else { merged.append(keyed[i]); i += 1 }
                }
                start = end
            }
            keyed = merged
            width *= 2
        }
        return keyed.map(\.1)
    }

    /// jinja2's `indent(width=4, first=False, blank=False)`: indents every line after the first
    /// (the first too with `first`), blank lines only with `blank`.
    private func indent(_ s: String, _ args: CallArguments) throws(JinjaError) -> String {
        let indentation: String
        switch args.value(0, "width") {
        case .string(let text)?: indentation = text
        case let w?:
            guard case .int(let n)? = w.number else { throw .type("indent width must be an integer or string") }
            try checkLength(n)
            indentation = String(repeating: " ", count: max(n, 0))
        case nil: indentation = "    "
        }
        let first = args.value(1, "first")?.isTruthy ?? false
        let blank = args.value(2, "blank")?.isTruthy ?? false
        var lines = pythonSplitLines(s + "\n")
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        if first { result = indentation + result }
        try checkLength(result.utf8.count)
        return result
    }
}

/// jinja2's `title` filter: each word (after a space, `-`, or an opening bracket) starts
/// uppercase and continues lowercase.
func jinjaTitle(_ s: String) -> String {
    var out = ""
    var atWordStart = true
    for c in s.unicodeScalars {
        let separator = isPythonWhitespace(c) || c == "-" || c == "(" || c == "{" || c == "[" || c == "<"
        if separator {
            out.unicodeScalars.append(c)
            atWordStart = true
        } else {
            out += atWordStart ? String(c).uppercased() : String(c).lowercased()
            atWordStart = false
        }
    }
    return out
}

/// HTML escaping as jinja2's `escape`: `& < > " '`.
func htmlEscape(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&#34;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

/// Python's `int(value)` as jinja2's `int` filter tries it: strings in `base` (then as a float),
/// floats truncated; `nil` where Python raises.
func pythonInt(_ value: Value, base: Int) -> Value? {
    switch value {
    case .int: return value
    case .bool(let b): return .int(b ? 1 : 0)
    case .double(let d):
        guard d.isFinite, abs(d) < 9.2e18 else { return nil }
        return .int(Int(d))
    case .string(let s):
        let text = pythonStrip(s, chars: nil, leading: true, trailing: true).replacingUnderscores()
        if let i = Int(text, radix: base) { return .int(i) }
        if let d = Double(text), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d)) }
        return nil
    default: return nil
    }
}

extension String {
    /// The text without `_`, which Python allows between digits of a number.
    func replacingUnderscores() -> String { String(unicodeScalars.filter { $0 != "_" }) }
}

/// Python's `%` string formatting for `%s`, `%r`, `%d`, `%i`, `%f` (with precision), `%%`.
func percentFormat(_ format: String, _ values: [Value]) throws(JinjaError) -> String {
    var out = ""
    var next = 0
    var scalars = Array(format.unicodeScalars)[...]
    while let c = scalars.first {
        scalars = scalars.dropFirst()
        guard c == "%" else { out.unicodeScalars.append(c); continue }
        var precision: Int?
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            var digits = ""
            while let d = scalars.first, d.properties.numericType == .decimal { digits.unicodeScalars.append(d); scalars = scalars.dropFirst() }
            precision = Int(digits) ?? 0
        }
        guard let conversion = scalars.first else { throw .type("incomplete format") }
        scalars = scalars.dropFirst()
        if conversion == "%" { out += "%"; continue }
        guard next < values.count else { throw .type("not enough arguments for format string") }
        let value = values[next]
        next += 1
        switch conversion {
        case "s": out += value.pythonString
        case "r": out += value.pythonRepr
        case "d", "i":
            guard let n = value.number else { throw .type("%d format: a number is required, not \(value.typeName)") }
            switch n {
            case .int(let i): out += String(i)
            case .double(let d): out += String(Int(d.rounded(.towardZero)))
            }
        case "f":
            guard let n = value.number else { throw .type("%f format: a number is required, not \(value.typeName)") }
            out += fixedPoint(n.asDouble, digits: precision ?? 6)
        default:
            throw .type("unsupported format character '\(conversion)'")
        }
    }
    guard next == values.count else { throw .type("not all arguments converted during string formatting") }
    return out
}

/// `value` with exactly `digits` decimals, rounded half to even on the decimal value.
func fixedPoint(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return pythonFloat(value) }
    let scale = pythonPower(10, Double(digits))
    let scaled = (abs(value) * scale).rounded(.toNearestOrEven)
    guard scaled < 9.2e18 else { return pythonFloat(value) }
    var text = String(Int(scaled))
    if digits > 0 {
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
    }
    return (value < 0 && scaled != 0 ? "-" : "") + text
}
