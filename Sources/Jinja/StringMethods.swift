/// Python methods of `str`, `dict` and `list` that templates call, and the global functions.
extension Renderer {
    static let stringMethods: Set<String> = [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "replace",
        "upper", "lower", "title", "capitalize", "swapcase", "find", "rfind", "index", "rindex", "count", "join",
        "format", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "removeprefix",
        "removesuffix", "zfill", "center", "ljust", "rjust",
    ]
    static let dictMethods: Set<String> = [
        "items", "keys", "values", "get", "copy", "update", "pop", "popitem", "setdefault", "clear",
    ]
    static let listMethods: Set<String> = [
        "count", "index", "copy", "append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear",
    ]
    /// Methods the immutable sandbox refuses: they would change a value in place.
    static let mutatingMethods: Set<String> = [
        "update", "pop", "popitem", "setdefault", "clear", "append", "extend", "insert", "remove", "sort", "reverse",
    ]
    static let globalFunctions: Set<String> = ["range", "namespace", "dict", "raise_exception", "strftime_now"]

    // MARK: Globals

    func callGlobal(_ name: String, _ args: CallArguments) throws(JinjaError) -> Value {
        switch name {
        case "range":
            let bounds = try args.positional.map { (v: Value) throws(JinjaError) -> Int in
                guard case .int(let i)? = v.number else { throw .type("range() takes integers, not '\(v.typeName)'") }
                return i
            }
            let (start, stop, step): (Int, Int, Int)
            switch bounds.count {
            case 1: (start, stop, step) = (0, bounds[0], 1)
            case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
            case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
            default: throw .type("range expected 1 to 3 arguments, got \(bounds.count)")
            }
            guard step != 0 else { throw .type("range() arg 3 must not be zero") }
            // Count first, so `range(10**9)` is refused before anything is built.
            let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
            if span.overflow { throw .limit("range is too long") }
            let magnitude = step > 0 ? step : (step == .min ? Int.max : -step)
            let count = span.partialValue <= 0 ? 0 : (span.partialValue - 1) / magnitude + 1
            try checkListLength(count)
            return .array(stride(from: start, to: stop, by: step).map(Value.int))
        case "namespace", "dict":
            var object = Object()
            if let first = args.positional.first {
                guard case .object(let initial) = first else { throw .type("\(name)() takes a dict or keyword arguments") }
                object = initial
            }
            for (key, value) in args.keyword { object[key] = value }
            return name == "dict" ? .object(object) : .opaque(Opaque(kind: .namespace(Namespace(object))))
        case "raise_exception":
            throw .raised(args.value(0, "message")?.pythonString ?? "")
        case "strftime_now":
            guard case .string(let format)? = args.value(0, "format") else { throw .type("strftime_now() takes a format string") }
            return .string(now.format(format))
        default:
            throw .runtime("unknown function '\(name)'")
        }
    }

    // MARK: Methods

    func callMethod(_ receiver: Value, _ name: String, _ args: CallArguments) throws(JinjaError) -> Value {
        if Renderer.mutatingMethods.contains(name) {
            switch receiver {
            case .object, .array:
                throw .sandbox("access to attribute '\(name)' of '\(receiver.typeName)' object is unsafe (the template may not change values)")
            default: break
            }
        }
        switch receiver {
        case .string(let s): return try stringMethod(s, name, args)
        case .object(let o): return try dictMethod(o, name, args)
        case .array(let items): return try listMethod(items, name, args)
        default: throw .runtime("'\(receiver.typeName)' object has no method '\(name)'")
        }
    }

    private func dictMethod(_ object: Object, _ name: String, _ args: CallArguments) throws(JinjaError) -> Value {
        switch name {
        case "items": return .array(object.pairs.map { .array([$0.key, $0.value]) })
        case "keys": return .array(object.keys)
        case "values": return .array(object.values)
        case "copy": return .object(object)
        case "get":
            guard let key = args.value(0, "key") else { throw .type("get expected at least 1 argument, got 0") }
            let fallback = args.value(1, "default") ?? .none
            return object[key] ?? fallback
        default: throw .runtime("'dict' object has no method '\(name)'")
        }
    }

    private func listMethod(_ items: [Value], _ name: String, _ args: CallArguments) throws(JinjaError) -> Value {
        switch name {
        case "copy": return .array(items)
        case "count":
            guard let x = args.value(0, "value") else { throw .type("count() takes exactly one argument") }
            return .int(items.filter { $0 == x }.count)
        case "index":
            guard let x = args.value(0, "value") else { throw .type("index() takes at least one argument") }
            guard let i = items.firstIndex(of: x) else { throw .type("\(x.pythonRepr) is not in list") }
            return .int(i)
        default: throw .runtime("'list' object has no method '\(name)'")
        }
    }

    private func stringArgument(_ args: CallArguments, _ index: Int, _ name: String) throws(JinjaError) -> String? {
        guard let value = args.value(index, name), !(value == .none) else { return nil }
        guard case .string(let s) = value else { throw .type("argument '\(name)' must be str, not \(value.typeName)") }
        return s
    }

    private func intArgument(_ args: CallArguments, _ index: Int, _ name: String, default defaultValue: Int) throws(JinjaError) -> Int {
        guard let value = args.value(index, name), !(value == .none) else { return defaultValue }
        guard case .int(let i)? = value.number else { throw .type("argument '\(name)' must be an integer") }
        return i
    }

    private func stringMethod(_ s: String, _ name: String, _ args: CallArguments) throws(JinjaError) -> Value {
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try stringArgument(args, 0, "chars")
            return .string(pythonStrip(s, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let separator = try stringArgument(args, 0, "sep")
            let maxSplit = try intArgument(args, 1, "maxsplit", default: -1)
            if separator == "" { throw .type("empty separator") }
            return .array(pythonSplit(s, separator: separator, maxSplit: maxSplit, fromRight: name == "rsplit").map(Value.string))
        case "splitlines":
            return .array(pythonSplitLines(s).map(Value.string))
        case "startswith", "endswith":
            guard let prefixes = args.value(0, name == "startswith" ? "prefix" : "suffix") else { throw .type("\(name)() takes at least 1 argument") }
            let candidates: [Value]
            if case .array(let items) = prefixes { candidates = items } else { candidates = [prefixes] }
            let bytes = Array(s.utf8)
            for candidate in candidates {
                guard case .string(let p) = candidate else { throw .type("\(name) first arg must be str or a tuple of str") }
                let pb = Array(p.utf8)
                if name == "startswith" ? bytes.starts(with: pb) : bytes.reversed().starts(with: pb.reversed()) { return .bool(true) }
            }
            return .bool(false)
        case "replace":
            guard let old = try stringArgument(args, 0, "old"), let new = try stringArgument(args, 1, "new") else {
                throw .type("replace() takes two strings")
            }
            let count = try intArgument(args, 2, "count", default: -1)
            let result = pythonReplace(s, old, new, count: count)
            try checkLength(result.utf8.count)
            return .string(result)
        case "upper": return .string(s.uppercased())
        case "lower": return .string(s.lowercased())
        case "swapcase":
            return .string(String(s.unicodeScalars.map { c -> String in
                c.properties.isLowercase ? String(c).uppercased() : (c.properties.isUppercase ? String(c).lowercased() : String(c))
            }.joined()))
        case "title": return .string(pythonTitle(s))
        case "capitalize": return .string(pythonCapitalize(s))
        case "find", "rfind", "index", "rindex", "count":
            guard let needle = try stringArgument(args, 0, "sub") else { throw .type("\(name)() takes a string") }
            let hay = Array(s.utf8)
            let nb = Array(needle.utf8)
            if name == "count" {
                if nb.isEmpty { return .int(s.unicodeScalars.count + 1) }
                var n = 0
                var from = 0
                while let at = findBytes(nb, in: hay, from: from) { n += 1; from = at + nb.count }
                return .int(n)
            }
            var found: Int?
            if name.hasPrefix("r") {
                var from = 0
                while let at = findBytes(nb, in: hay, from: from) { found = at; from = at + 1; if nb.isEmpty && at >= hay.count { break } }
            } else {
                found = findBytes(nb, in: hay, from: 0)
            }
            guard let at = found else {
                if name.hasSuffix("index") { throw .type("substring not found") }
                return .int(-1)
            }
            return .int(String(decoding: hay[..<at], as: UTF8.self).unicodeScalars.count)
        case "join":
            guard let iterable = args.value(0, "iterable") else { throw .type("join() takes exactly one argument") }
            var parts: [String] = []
            for item in try iterate(iterable) {
                guard case .string(let part) = item else { throw .type("sequence item: expected str instance, \(item.typeName) found") }
                parts.append(part)
            }
            let result = parts.joined(separator: s)
            try checkLength(result.utf8.count)
            return .string(result)
        case "format":
            let result = try braceFormat(s, args)
            try checkLength(result.utf8.count)
            return .string(result)
        case "isdigit": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
        case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
        case "isalnum": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(isPythonWhitespace))
        case "isupper", "islower":
            let cased = s.unicodeScalars.filter { $0.properties.isCased }
            let check: (Unicode.Scalar) -> Bool = name == "isupper" ? { !$0.properties.isLowercase } : { !$0.properties.isUppercase }
            return .bool(!cased.isEmpty && cased.allSatisfy(check))
        case "removeprefix", "removesuffix":
            guard let affix = try stringArgument(args, 0, name == "removeprefix" ? "prefix" : "suffix") else { throw .type("\(name)() takes a string") }
            let bytes = Array(s.utf8)
            let ab = Array(affix.utf8)
            if name == "removeprefix", bytes.starts(with: ab) { return .string(String(decoding: bytes[ab.count...], as: UTF8.self)) }
            if name == "removesuffix", !ab.isEmpty, bytes.reversed().starts(with: ab.reversed()) {
                return .string(String(decoding: bytes[..<(bytes.count - ab.count)], as: UTF8.self))
            }
            return .string(s)
        case "zfill", "center", "ljust", "rjust":
            let width = try intArgument(args, 0, "width", default: 0)
            try checkLength(width)
            let fill = name == "zfill" ? "0" : (try stringArgument(args, 1, "fillchar") ?? " ")
            let missing = max(0, width - s.unicodeScalars.count)
            switch name {
            case "ljust": return .string(s + String(repeating: fill, count: missing))
            case "rjust": return .string(String(repeating: fill, count: missing) + s)
            case "center":
                let left = missing / 2 + (missing & width & 1)
                return .string(String(repeating: fill, count: left) + s + String(repeating: fill, count: missing - left))
            default:
                if let sign = s.unicodeScalars.first, sign == "+" || sign == "-" {
                    return .string(String(sign) + String(repeating: "0", count: missing) + String(s.unicodeScalars.dropFirst()))
                }
                return .string(String(repeating: "0", count: missing) + s)
            }
        default:
            throw .runtime("'str' object has no method '\(name)'")
        }
    }

    /// `str.format`: `{}` and `{0}` take positional arguments in turn or by index, `{name}`
    /// keyword ones, `{{` and `}}` are braces; a `:spec` after the field is ignored beyond its
    /// field name (specs are not used by chat templates).
    private func braceFormat(_ s: String, _ args: CallArguments) throws(JinjaError) -> String {
        var out = ""
        var nextIndex = 0
        var scalars = s.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            if c == "{" {
                var field = ""
                var closed = false
                while let d = scalars.next() {
                    if d == "{" && field.isEmpty { out += "{"; closed = true; field = "\u{0}"; break }
                    if d == "}" { closed = true; break }
                    field.unicodeScalars.append(d)
                }
                if field == "\u{0}" { continue }
                guard closed else { throw .type("Single '{' encountered in format string") }
                let name = String(field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                let value: Value?
                if name.isEmpty {
                    value = nextIndex < args.positional.count ? args.positional[nextIndex] : nil
                    nextIndex += 1
                } else if let i = Int(name) {
                    value = i < args.positional.count ? args.positional[i] : nil
                } else {
                    value = args.keyword.first { $0.0 == name }?.1
                }
                guard let value else { throw .type("format: no argument for field '{\(field)}'") }
                out += value.pythonString
            } else if c == "}" {
                guard scalars.next() == "}" else { throw .type("Single '}' encountered in format string") }
                out += "}"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// Python's `str.isspace` for one character (what `strip()` and `split()` remove).
func isPythonWhitespace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
    case 0..<0x80: return false
    default: return c.properties.isWhitespace
    }
}

/// `str.strip`, `lstrip`, `rstrip`: removes whitespace, or any of `chars`, from the chosen ends.
func pythonStrip(_ s: String, chars: String?, leading: Bool, trailing: Bool) -> String {
    let set = chars.map { Set($0.unicodeScalars) }
    let remove: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isPythonWhitespace($0) }
    let scalars = s.unicodeScalars
    var start = scalars.startIndex
    var end = scalars.endIndex
    if leading { while start < end && remove(scalars[start]) { start = scalars.index(after: start) } }
    if trailing {
        while end > start {
            let before = scalars.index(before: end)
            guard remove(scalars[before]) else { break }
            end = before
        }
    }
    return String(scalars[start..<end])
}

/// `str.split` / `str.rsplit`: on whitespace runs (empty pieces dropped) when `separator` is
/// nil, else on each occurrence; at most `maxSplit` splits when it is not negative.
func pythonSplit(_ s: String, separator: String?, maxSplit: Int, fromRight: Bool) -> [String] {
    guard let separator else {
        var words: [String] = []
        var scalars = Array(s.unicodeScalars)
        if fromRight { scalars.reverse() }
        var i = 0
        var splits = 0
        while i < scalars.count {
            while i < scalars.count && isPythonWhitespace(scalars[i]) { i += 1 }
            if i == scalars.count { break }
            if maxSplit >= 0 && splits == maxSplit {
                var rest = Array(scalars[i...])
                if fromRight { rest.reverse() }
                var tail = String(String.UnicodeScalarView(rest))
                tail = pythonStrip(tail, chars: nil, leading: fromRight, trailing: !fromRight)
                words.append(tail)
                break
            }
            let start = i
            while i < scalars.count && !isPythonWhitespace(scalars[i]) { i += 1 }
            var word = Array(scalars[start..<i])
            if fromRight { word.reverse() }
            words.append(String(String.UnicodeScalarView(word)))
            splits += 1
        }
        return fromRight ? words.reversed() : words
    }
    let hay = Array(s.utf8)
    let needle = Array(separator.utf8)
    var positions: [Int] = []
    var from = 0
    while let at = findBytes(needle, in: hay, from: from) {
        positions.append(at)
        from = at + needle.count
    }
    if maxSplit >= 0 && positions.count > maxSplit {
        positions = fromRight ? Array(positions.suffix(maxSplit)) : Array(positions.prefix(maxSplit))
    }
    var pieces: [String] = []
    var start = 0
    for at in positions {
        pieces.append(String(decoding: hay[start..<at], as: UTF8.self))
        start = at + needle.count
    }
    pieces.append(String(decoding: hay[start...], as: UTF8.self))
    return pieces
}

/// `str.splitlines()`: splits on every line boundary Python knows, dropping the boundaries.
func pythonSplitLines(_ s: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    var scalars = Array(s.unicodeScalars)[...]
    while let c = scalars.first {
        scalars = scalars.dropFirst()
        switch c.value {
        case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
            lines.append(String(current)); current = .init()
        case 0x0D:
            if scalars.first == "\n" { scalars = scalars.dropFirst() }
            lines.append(String(current)); current = .init()
        default:
            current.append(c)
        }
    }
    if !current.isEmpty { lines.append(String(current)) }
    return lines
}

/// `str.replace(old, new, count)`; an empty `old` inserts `new` between characters as Python does.
func pythonReplace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
    if old.isEmpty {
        var out = ""
        var done = 0
        for c in s.unicodeScalars {
            if count < 0 || done < count { out += new; done += 1 }
            out.unicodeScalars.append(c)
        }
        if count < 0 || done < count { out += new }
        return out
    }
    let hay = Array(s.utf8)
    let needle = Array(old.utf8)
    var out: [UInt8] = []
    var from = 0
    var done = 0
    while count < 0 || done < count, let at = findBytes(needle, in: hay, from: from) {
        out += hay[from..<at]
        out += new.utf8
        from = at + needle.count
        done += 1
    }
    out += hay[from...]
    return String(decoding: out, as: UTF8.self)
}

/// `str.title()`: a letter after a cased letter lowercased, any other uppercased.
func pythonTitle(_ s: String) -> String {
    var out = ""
    var previousCased = false
    for c in s.unicodeScalars {
        out += previousCased ? String(c).lowercased() : c.properties.titlecaseMapping
        previousCased = c.properties.isCased
    }
    return out
}

/// `str.capitalize()`: the first character titlecased, the rest lowercased.
func pythonCapitalize(_ s: String) -> String {
    guard let first = s.unicodeScalars.first else { return s }
    return first.properties.titlecaseMapping + String(s.unicodeScalars.dropFirst()).lowercased()
}
