/// Converts a JSON Schema `pattern` (a subset of ECMA-262 regular expressions) into GBNF for
/// the *content* of a JSON string, with `"`, `\` and control characters written as JSON escapes.
///
/// Supported: literals, escapes (`\d \w \s \D \W \S`, `\n \t \r`, `\uHHHH`, escaped
/// punctuation), classes with ranges and negation, `.`, groups `( )` and `(?: )`, alternation,
/// `* + ? {m} {m,} {m,n}` (a lazy `?` suffix is ignored), and `^`/`$` at the ends. A pattern
/// not anchored at an end may have any text there, as JSON Schema's search semantics say.
struct SchemaPattern {
    private let text: [Unicode.Scalar]
    private var index = 0
    private let path: String
    /// The rule name of one JSON string character (escapes included).
    private let anyCharacter: String

    init(_ pattern: String, path: String, anyCharacter: String) {
        text = Array(pattern.unicodeScalars)
        self.path = path
        self.anyCharacter = anyCharacter
    }

    mutating func convert() throws(GrammarError) -> String {
        var anchoredStart = false
        if index < text.count, text[index] == "^" {
            anchoredStart = true
            index += 1
        }
        var body = try parseAlternatives()
        guard index == text.count else { throw unsupported("unexpected ')'") }
        var anchoredEnd = false
        if body.hasSuffix(" $END") {
            anchoredEnd = true
            body.removeLast(5)
        }
        return (anchoredStart ? "" : anyCharacter + "* ") + "(" + body + ")" + (anchoredEnd ? "" : " " + anyCharacter + "*")
    }

    private func unsupported(_ what: String) -> GrammarError {
        .unsupportedSchema(path: path, reason: "unsupported pattern: \(what)")
    }

    private mutating func parseAlternatives() throws(GrammarError) -> String {
        var choices = [try parseSequence()]
        while index < text.count, text[index] == "|" {
            index += 1
            choices.append(try parseSequence())
        }
        if choices.count > 1, choices.contains(where: { $0.hasSuffix(" $END") }) {
            throw unsupported("'$' inside an alternation")
        }
        return choices.joined(separator: " | ")
    }

    private mutating func parseSequence() throws(GrammarError) -> String {
        var items: [String] = []
        while index < text.count, text[index] != "|", text[index] != ")" {
            if text[index] == "$" {
                index += 1
                guard index == text.count else { throw unsupported("'$' before the end") }
                items.append("$END")
                break
            }
            let atom = try parseAtom()
            items.append(try parseQuantifier(atom))
        }
        return items.isEmpty ? "\"\"" : items.joined(separator: " ")
    }

    private mutating func parseQuantifier(_ atom: String) throws(GrammarError) -> String {
        guard index < text.count else { return atom }
        var result: String
        switch text[index] {
        case "*": result = "(" + atom + ")*"; index += 1
        case "+": result = "(" + atom + ")+"; index += 1
        case "?": result = "(" + atom + ")?"; index += 1
        case "{":
            let start = index
            index += 1
            var body = ""
            while index < text.count, text[index] != "}" {
                body.unicodeScalars.append(text[index])
                index += 1
            }
            guard index < text.count, body.allSatisfy({ $0.isNumber || $0 == "," }), !body.isEmpty else {
                index = start
                throw unsupported("malformed '{' quantifier")
            }
            index += 1
            result = "(" + atom + "){" + body + "}"
        default:
            return atom
        }
        if index < text.count, text[index] == "?" { index += 1 }
        if index < text.count, "*+?{".unicodeScalars.contains(text[index]) { throw unsupported("a repeated quantifier") }
        return result
    }

    private mutating func parseAtom() throws(GrammarError) -> String {
        let c = text[index]
        index += 1
        switch c {
        case "(":
            if index < text.count, text[index] == "?" {
                guard index + 1 < text.count, text[index + 1] == ":" else { throw unsupported("lookaround or named group '(?'") }
                index += 2
            }
            let inner = try parseAlternatives()
            guard index < text.count, text[index] == ")" else { throw unsupported("unclosed group") }
            index += 1
            return "(" + inner + ")"
        case "[":
            return try parseClass()
        case ".":
            return Self.content(of: [0x20...0x10FFFF], negated: false, dropControls: true)
        case "\\":
            return try parseEscape().grammar
        case "^":
            throw unsupported("'^' after the start")
        case "*", "+", "?", "{":
            throw unsupported("'\(c)' with nothing to repeat")
        default:
            return Self.literal(c)
        }
    }

    /// A JSON-escaped literal for one scalar.
    private static func literal(_ c: Unicode.Scalar) -> String {
        let encoded = JSONValue.quoted(String(c))
        return GBNFText.literal(String(encoded.dropFirst().dropLast()))
    }

    private enum Escape {
        case scalar(Unicode.Scalar)
        case set([ClosedRange<UInt32>], negated: Bool)

        var grammar: String {
            switch self {
            case .scalar(let c): SchemaPattern.literal(c)
            case .set(let ranges, let negated): SchemaPattern.content(of: ranges, negated: negated, dropControls: negated)
            }
        }
    }

    private static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    private static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    private static let space: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]

    private mutating func parseEscape() throws(GrammarError) -> Escape {
        guard index < text.count else { throw unsupported("'\\' at the end") }
        let e = text[index]
        index += 1
        switch e {
        case "d": return .set(Self.digit, negated: false)
        case "D": return .set(Self.digit, negated: true)
        case "w": return .set(Self.word, negated: false)
        case "W": return .set(Self.word, negated: true)
        case "s": return .set(Self.space, negated: false)
        case "S": return .set(Self.space, negated: true)
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        case "u":
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < text.count, let d = UInt32(String(text[index]), radix: 16) else { throw unsupported("malformed '\\u'") }
                value = value << 4 | d
                index += 1
            }
            guard let scalar = Unicode.Scalar(value) else { throw unsupported("a surrogate '\\u'") }
            return .scalar(scalar)
        default:
            guard e.isASCII, !e.properties.isAlphabetic, !("0"..."9").contains(e) else {
                throw unsupported("escape '\\\(e)'")
            }
            return .scalar(e)
        }
    }

    private mutating func parseClass() throws(GrammarError) -> String {
        var negated = false
        if index < text.count, text[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while true {
            guard index < text.count else { throw unsupported("unclosed '['") }
            if text[index] == "]", !first { break }
            first = false
            let low: UInt32
            if text[index] == "\\" {
                index += 1
                switch try parseEscape() {
                case .scalar(let c): low = c.value
                case .set(let set, let setNegated):
                    guard !setNegated else { throw unsupported("a negated escape inside a class") }
                    ranges += set
                    continue
                }
            } else {
                low = text[index].value
                index += 1
            }
            var high = low
            if index + 1 < text.count, text[index] == "-", text[index + 1] != "]" {
                index += 1
                if text[index] == "\\" {
                    index += 1
                    guard case .scalar(let c) = try parseEscape() else { throw unsupported("a class as a range end") }
                    high = c.value
                } else {
                    high = text[index].value
                    index += 1
                }
                guard high >= low else { throw unsupported("a range whose end is below its start") }
            }
            ranges.append(low...high)
        }
        index += 1
        return Self.content(of: ranges, negated: negated, dropControls: negated)
    }

    /// GBNF for one character of the set as JSON string content: plain characters raw, and
    /// `"`, `\` and control characters as their JSON escapes. Negated sets (which hold nearly
    /// every control character) leave the control characters out.
    static func content(of ranges: [ClosedRange<UInt32>], negated: Bool, dropControls: Bool) -> String {
        // The positive set, sorted and merged.
        var positive = ranges.sorted { $0.lowerBound < $1.lowerBound }
        if negated {
            var complement: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for r in positive {
                if r.lowerBound > next { complement.append(next...(r.lowerBound - 1)) }
                next = max(next, r.upperBound &+ 1)
            }
            if next <= 0x10FFFF { complement.append(next...0x10FFFF) }
            positive = complement
        }
        let special: [UInt32] = Array(0..<0x20) + [0x22, 0x5C]
        var plain: [ClosedRange<UInt32>] = []
        var escapes: [String] = []
        for r in positive {
            var low = r.lowerBound
            for s in special where r.contains(s) {
                if s > low { plain.append(low...(s - 1)) }
                if !(dropControls && s < 0x20) { escapes.append(literal(Unicode.Scalar(s)!)) }
                low = s + 1
            }
            if low <= r.upperBound {
                // Surrogates are not scalars; split around them.
                if low < 0xD800, r.upperBound >= 0xD800 {
                    plain.append(low...0xD7FF)
                    if r.upperBound > 0xDFFF { plain.append(0xE000...r.upperBound) }
                } else if (0xD800...0xDFFF).contains(low) {
                    if r.upperBound > 0xDFFF { plain.append(0xE000...r.upperBound) }
                } else {
                    plain.append(low...r.upperBound)
                }
            }
        }
        var choices = escapes
        if !plain.isEmpty { choices.insert(GBNFText.characterClass(plain), at: 0) }
        if choices.isEmpty { return "[^\\x00-\\U0010FFFF]" }
        return choices.count == 1 ? choices[0] : "(" + choices.joined(separator: " | ") + ")"
    }
}
