/// Reads GBNF text into rules.
///
/// A rule's body may span several lines: it ends where the next `name ::=` starts or at the
/// end of the text, which accepts every layout llama.cpp accepts and a few more (such as a
/// continuation line that starts with `|`).
struct GBNFParser {
    /// The largest bound accepted in `{m,n}`: each unit of a bound becomes compiled rules.
    static let maxRepetition = 10_000

    private let text: [Unicode.Scalar]
    private var index = 0
    private var ruleName = ""

    init(_ source: String) {
        text = Array(source.unicodeScalars)
    }

    mutating func parseGrammar() throws(GrammarError) -> [GrammarRule] {
        var rules: [GrammarRule] = []
        var references: [(name: String, from: String, at: Int)] = []
        skipTrivia()
        if index == text.count { throw .emptyGrammar }
        while index < text.count {
            let start = index
            let name = parseName()
            guard !name.isEmpty else { throw syntax("expected a rule name") }
            ruleName = name
            skipTrivia()
            guard consume("::=") else { throw syntax("expected '::=' after the rule name") }
            if rules.contains(where: { $0.name == name }) {
                throw .duplicateRule(name, at: position(of: start))
            }
            let body = try parseAlternatives(nested: false, references: &references)
            rules.append(GrammarRule(name: name, body: body, position: position(of: start)))
            skipTrivia()
        }
        let defined = Set(rules.map(\.name))
        for reference in references where !defined.contains(reference.name) {
            throw .undefinedRule(reference.name, referencedFrom: reference.from, at: position(of: reference.at))
        }
        guard defined.contains("root") else { throw .missingRoot }
        return rules
    }

    // MARK: Expressions

    private mutating func parseAlternatives(
        nested: Bool, references: inout [(name: String, from: String, at: Int)]
    ) throws(GrammarError) -> GrammarExpression {
        var choices = [try parseSequence(references: &references)]
        while index < text.count, text[index] == "|" {
            index += 1
            choices.append(try parseSequence(references: &references))
        }
        if nested {
            guard index < text.count, text[index] == ")" else { throw syntax("expected ')'") }
        } else if index < text.count, text[index] == ")" {
            throw syntax("unmatched ')'")
        }
        return choices.count == 1 ? choices[0] : .alternatives(choices)
    }

    /// Items up to `|`, `)`, the next rule definition, or the end of the text.
    private mutating func parseSequence(
        references: inout [(name: String, from: String, at: Int)]
    ) throws(GrammarError) -> GrammarExpression {
        var items: [GrammarExpression] = []
        while true {
            skipTrivia()
            guard index < text.count else { break }
            let c = text[index]
            if c == "|" || c == ")" || startsRuleDefinition() { break }
            var item = try parsePrimary(references: &references)
            item = try parsePostfix(item)
            items.append(item)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parsePrimary(
        references: inout [(name: String, from: String, at: Int)]
    ) throws(GrammarError) -> GrammarExpression {
        let c = text[index]
        switch c {
        case "\"":
            return try parseLiteral()
        case "[":
            return try parseClass()
        case ".":
            index += 1
            return .anyCharacter
        case "(":
            index += 1
            let inner = try parseAlternatives(nested: true, references: &references)
            index += 1
            return inner
        case "*", "+", "?", "{":
            throw syntax("'\(c)' has nothing to repeat")
        default:
            let start = index
            let name = parseName()
            guard !name.isEmpty else { throw syntax("unexpected character '\(c)'") }
            references.append((name, ruleName, start))
            return .reference(name)
        }
    }

    private mutating func parsePostfix(_ operand: GrammarExpression) throws(GrammarError) -> GrammarExpression {
        var result = operand
        while index < text.count {
            switch text[index] {
            case "*": result = .repetition(result, min: 0, max: nil)
            case "+": result = .repetition(result, min: 1, max: nil)
            case "?": result = .repetition(result, min: 0, max: 1)
            case "{": result = try parseBraces(result)
            default: return result
            }
            index += 1
        }
        return result
    }

    /// `{m}`, `{m,}`, `{m,n}` or `{,n}`; leaves `index` on the closing brace.
    private mutating func parseBraces(_ operand: GrammarExpression) throws(GrammarError) -> GrammarExpression {
        let start = index
        index += 1
        skipSpaces()
        let low = parseNumber()
        skipSpaces()
        var high = low
        if index < text.count, text[index] == "," {
            index += 1
            skipSpaces()
            high = parseNumber()
            skipSpaces()
        }
        guard index < text.count, text[index] == "}" else {
            throw .badRepetition("expected '}'", rule: ruleName, at: position(of: start))
        }
        guard low != nil || high != nil else {
            throw .badRepetition("no bound given", rule: ruleName, at: position(of: start))
        }
        let min = low ?? 0
        if let high, high < min {
            throw .badRepetition("maximum \(high) is below minimum \(min)", rule: ruleName, at: position(of: start))
        }
        if max(min, high ?? 0) > Self.maxRepetition {
            throw .badRepetition("bounds above \(Self.maxRepetition) are not supported", rule: ruleName, at: position(of: start))
        }
        return .repetition(operand, min: min, max: high)
    }

    private mutating func parseNumber() -> Int? {
        var value: Int?
        while index < text.count, ("0"..."9").contains(text[index]) {
            let digit = Int(text[index].value - 0x30)
            value = min((value ?? 0) * 10 + digit, Self.maxRepetition + 1)
            index += 1
        }
        return value
    }

    private mutating func parseLiteral() throws(GrammarError) -> GrammarExpression {
        let start = index
        index += 1
        var scalars: [Unicode.Scalar] = []
        while true {
            guard index < text.count, text[index] != "\n" else {
                throw .unterminatedLiteral(rule: ruleName, at: position(of: start))
            }
            if text[index] == "\"" { break }
            scalars.append(try parseCharacter())
        }
        index += 1
        return .literal(scalars)
    }

    private mutating func parseClass() throws(GrammarError) -> GrammarExpression {
        let start = index
        index += 1
        var negated = false
        if index < text.count, text[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            guard index < text.count, text[index] != "\n" else {
                throw .unterminatedClass(rule: ruleName, at: position(of: start))
            }
            if text[index] == "]" { break }
            let low = try parseCharacter().value
            var high = low
            if index + 1 < text.count, text[index] == "-", text[index + 1] != "]" {
                index += 1
                high = try parseCharacter().value
                guard high >= low else { throw syntax("range end is below its start") }
            }
            ranges.append(low...high)
        }
        index += 1
        return .characterClass(CharacterClass(ranges: ranges, isNegated: negated))
    }

    /// One character of a literal or class, with escapes decoded.
    private mutating func parseCharacter() throws(GrammarError) -> Unicode.Scalar {
        let c = text[index]
        index += 1
        guard c == "\\" else { return c }
        guard index < text.count else { throw syntax("escape at the end of the text") }
        let e = text[index]
        index += 1
        switch e {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "0": return "\0"
        case "x": return try parseHex(digits: 2)
        case "u": return try parseHex(digits: 4)
        case "U": return try parseHex(digits: 8)
        default:
            // Any escaped punctuation stands for itself: \\ \" \[ \] \- \^ and the like.
            guard e.isASCII, !e.properties.isAlphabetic, e.value > 0x20 else {
                index -= 2
                throw syntax("unknown escape '\\\(e)'")
            }
            return e
        }
    }

    private mutating func parseHex(digits: Int) throws(GrammarError) -> Unicode.Scalar {
        let start = index - 2
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard index < text.count, let digit = UInt32(String(text[index]), radix: 16) else {
                index = start
                throw syntax("expected \(digits) hexadecimal digits")
            }
            value = value << 4 | digit
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            index = start
            throw syntax("U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar value")
        }
        return scalar
    }

    // MARK: Lexical helpers

    private static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_": true
        default: false
        }
    }

    private mutating func parseName() -> String {
        var name = String.UnicodeScalarView()
        while index < text.count, Self.isNameCharacter(text[index]) {
            name.append(text[index])
            index += 1
        }
        return String(name)
    }

    /// Whether a `name ::=` starts at `index`.
    private func startsRuleDefinition() -> Bool {
        var i = index
        while i < text.count, Self.isNameCharacter(text[i]) { i += 1 }
        guard i > index else { return false }
        while i < text.count, text[i] == " " || text[i] == "\t" { i += 1 }
        return i + 2 < text.count && text[i] == ":" && text[i + 1] == ":" && text[i + 2] == "="
    }

    /// Skips spaces, tabs, newlines and `#` comments.
    private mutating func skipTrivia() {
        while index < text.count {
            switch text[index] {
            case " ", "\t", "\n", "\r":
                index += 1
            case "#":
                while index < text.count, text[index] != "\n" { index += 1 }
            default:
                return
            }
        }
    }

    private mutating func skipSpaces() {
        while index < text.count, text[index] == " " || text[index] == "\t" { index += 1 }
    }

    private mutating func consume(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard index + scalars.count <= text.count, Array(text[index..<index + scalars.count]) == scalars else {
            return false
        }
        index += scalars.count
        return true
    }

    private func syntax(_ message: String) -> GrammarError {
        .syntax(message, rule: ruleName.isEmpty ? nil : ruleName, at: position(of: index))
    }

    private func position(of offset: Int) -> SourcePosition {
        var line = 1
        var column = 1
        for c in text[..<min(offset, text.count)] {
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }
}
