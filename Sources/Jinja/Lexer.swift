/// One lexical token of a template.
struct Token {
    enum Kind: Equatable {
        /// Literal template text, whitespace control already applied.
        case text(String)
        /// `{{` and `}}`.
        case variableBegin, variableEnd
        /// `{%` and `%}`.
        case blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        /// An operator or punctuation mark such as `==`, `//`, `(` or `|`.
        case op(String)
        case end
    }

    let kind: Kind
    /// Byte offset in the normalized source, for error positions.
    let offset: Int
}

/// Splits template source into tokens the way jinja2's lexer does with `trim_blocks` and
/// `lstrip_blocks` on: newlines normalized to `\n`, one trailing newline dropped, the newline after
/// a block or comment tag removed, spaces and tabs before a block or comment tag that starts its
/// line removed, `-` stripping all whitespace on its side, `+` turning the block rules off.
struct Lexer {
    /// The normalized source, as UTF-8.
    let bytes: [UInt8]
    private var position = 0
    private var tokens: [Token] = []

    /// The offset where each line starts, for finding a token's line by binary search.
    private let lineStarts: [Int]

    init(source: String) {
        bytes = Lexer.normalize(source)
        var starts = [0]
        for (i, byte) in bytes.enumerated() where byte == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The line (from 1) of a byte offset.
    func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// `\r\n` and `\r` become `\n`; one newline at the very end goes (jinja2's `keep_trailing_newline` off).
    private static func normalize(_ source: String) -> [UInt8] {
        if !source.utf8.contains(0x0D) {
            // The usual case: nothing to convert, so copy the bytes in one go.
            var out = Array(source.utf8)
            if out.last == 0x0A { out.removeLast() }
            return out
        }
        var out: [UInt8] = []
        out.reserveCapacity(source.utf8.count)
        var previousCR = false
        for byte in source.utf8 {
            if byte == 0x0D {
                out.append(0x0A)
                previousCR = true
                continue
            }
            if byte == 0x0A && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(byte)
        }
        if out.last == 0x0A { out.removeLast() }
        return out
    }

    /// The line and column (both from 1; the column in characters) of a byte offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let end = min(offset, bytes.count)
        let line = line(of: end)
        let lineStart = lineStarts[line - 1]
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
        return (line, column)
    }

    private func error(_ message: String, at offset: Int) -> JinjaError {
        let (line, column) = location(of: offset)
        return .syntax(message: message, line: line, column: column)
    }

    /// Whitespace to strip from the text that follows a tag.
    private enum PendingStrip { case none, newline, all }

    /// Tokenizes the whole source.
    mutating func tokenize() throws(JinjaError) -> [Token] {
        var pending = PendingStrip.none
        // Whether the text about to be read starts a line (template start, or a tag whose stripped
        // whitespace ended with a newline): lstrip_blocks applies to a tag at the start of such text.
        var lineStarting = true
        while position < bytes.count || pending != .none {
            let tagStart = findTagStart(from: position)
            var textStart = position
            let textEnd = tagStart ?? bytes.count
            switch pending {
            case .none: break
            case .newline:
                if textStart < textEnd && bytes[textStart] == 0x0A {
                    textStart += 1
                    lineStarting = true
                }
            case .all:
                let stripped = skipWhitespace(from: textStart, to: textEnd)
                if stripped > textStart { lineStarting = bytes[stripped - 1] == 0x0A }
                textStart = stripped
            }
            pending = .none
            guard let tagStart else {
                emitText(textStart, bytes.count, offset: textStart)
                position = bytes.count
                break
            }
            let kind = bytes[tagStart + 1]  // '{', '%' or '#'
            // `-` strips whitespace before any tag; `+` (blocks and comments) keeps lstrip_blocks off.
            let third: UInt8? = tagStart + 2 < bytes.count ? bytes[tagStart + 2] : nil
            let modifier: UInt8? = third == 0x2D || (third == 0x2B && kind != 0x7B) ? third : nil
            var end = textEnd
            if modifier == 0x2D {
                end = trailingWhitespaceStart(from: textStart, to: end)
            } else if kind != 0x7B && modifier != 0x2B {
                // lstrip_blocks: drop spaces and tabs between the line's start and the tag.
                var i = end
                while i > textStart && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09) { i -= 1 }
                if (i > textStart && bytes[i - 1] == 0x0A) || (i == textStart && lineStarting) { end = i }
            }
            emitText(textStart, end, offset: textStart)
            position = tagStart + 2 + (modifier == nil ? 0 : 1)
            lineStarting = false
            switch kind {
            case 0x23:  // comment
                pending = try skipComment(openedAt: tagStart)
            case 0x7B:
                tokens.append(Token(kind: .variableBegin, offset: tagStart))
                pending = try lexTag(closer: 0x7D, openedAt: tagStart)
            default:
                tokens.append(Token(kind: .blockBegin, offset: tagStart))
                pending = try lexTag(closer: 0x25, openedAt: tagStart)
                if tokens.count >= 3, tokens[tokens.count - 2].kind == .name("raw"), tokens[tokens.count - 3].kind == .blockBegin {
                    tokens.removeLast(3)
                    pending = try lexRaw(openedAt: tagStart, strip: pending)
                }
            }
        }
        tokens.append(Token(kind: .end, offset: bytes.count))
        return tokens
    }

    /// The text of a `{% raw %}` block up to its `{% endraw %}`, as it stands (a `-` on either
    /// tag still trims its end); says how to strip the text after the closing tag.
    private mutating func lexRaw(openedAt start: Int, strip: PendingStrip) throws(JinjaError) -> PendingStrip {
        var textStart = position
        // jinja2 keeps the newline after `{% raw %}` (trim_blocks does not reach into it); `-%}` strips.
        if strip == .all { textStart = skipWhitespace(from: textStart, to: bytes.count) }
        var i = textStart
        while let open = findTagStart(from: i) {
            i = open + 2
            guard bytes[open + 1] == 0x25 else { continue }
            var j = open + 2
            let dash = j < bytes.count && bytes[j] == 0x2D
            if j < bytes.count && (bytes[j] == 0x2D || bytes[j] == 0x2B) { j += 1 }
            while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A) { j += 1 }
            let word = Array("endraw".utf8)
            guard j + word.count <= bytes.count, Array(bytes[j..<j + word.count]) == word else { continue }
            j += word.count
            while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A) { j += 1 }
            var after = PendingStrip.newline
            if j < bytes.count && (bytes[j] == 0x2D || bytes[j] == 0x2B) {
                after = bytes[j] == 0x2D ? .all : .none
                j += 1
            }
            guard matchCloser(at: j, 0x25) else { continue }
            emitText(textStart, dash ? trailingWhitespaceStart(from: textStart, to: open) : open, offset: textStart)
            position = j + 2
            return after
        }
        throw error("unexpected end of template: 'raw' block is never closed (expected 'endraw')", at: start)
    }

    private mutating func emitText(_ start: Int, _ end: Int, offset: Int) {
        guard start < end else { return }
        tokens.append(Token(kind: .text(String(decoding: bytes[start..<end], as: UTF8.self)), offset: offset))
    }

    /// The offset of the next `{{`, `{%` or `{#`.
    private func findTagStart(from start: Int) -> Int? {
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == 0x7B {
                let next = bytes[i + 1]
                if next == 0x7B || next == 0x25 || next == 0x23 { return i }
            }
            i += 1
        }
        return nil
    }

    /// Python's `\s` over ASCII and the Unicode spaces a template might hold.
    private func isWhitespace(at i: Int) -> Int? {
        let b = bytes[i]
        if b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F) { return 1 }
        if b < 0x80 { return nil }
        var decoder = UTF8()
        var iterator = bytes[i...].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.properties.isWhitespace else { return nil }
        return String(scalar).utf8.count
    }

    private func skipWhitespace(from start: Int, to end: Int) -> Int {
        var i = start
        while i < end, let width = isWhitespace(at: i) { i += width }
        return min(i, end)
    }

    private func trailingWhitespaceStart(from start: Int, to end: Int) -> Int {
        // Walk forward so multi-byte spaces are measured whole; keep the start of the final run.
        var i = start
        var runStart = start
        var inRun = false
        while i < end {
            if let width = isWhitespace(at: i) {
                if !inRun { runStart = i; inRun = true }
                i += width
            } else {
                inRun = false
                i += 1
            }
        }
        return inRun ? runStart : end
    }

    /// Skips a `{# ... #}` comment; the position is just after `{#` (and its modifier).
    private mutating func skipComment(openedAt start: Int) throws(JinjaError) -> PendingStrip {
        var i = position
        while i + 1 < bytes.count {
            if bytes[i] == 0x23 && bytes[i + 1] == 0x7D {
                position = i + 2
                if i > start + 2 && bytes[i - 1] == 0x2D { return .all }
                if i > start + 2 && bytes[i - 1] == 0x2B { return .none }
                return .newline
            }
            i += 1
        }
        throw error("unexpected end of template: comment opened here is never closed", at: start)
    }

    /// Lexes the expression tokens of a tag up to its closing `}}` (closer `}`) or `%}` (closer
    /// `%`), and says how the text after it is to be stripped.
    private mutating func lexTag(closer: UInt8, openedAt start: Int) throws(JinjaError) -> PendingStrip {
        let isBlock = closer == 0x25
        var braceDepth = 0
        while true {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A {
                position += 1
            }
            guard position < bytes.count else {
                throw error("unexpected end of template: tag opened here is never closed", at: start)
            }
            let b = bytes[position]
            // Closing delimiter, with an optional - or + right before it.
            if braceDepth == 0 {
                if (b == 0x2D || (b == 0x2B && isBlock)) && matchCloser(at: position + 1, closer) {
                    tokens.append(Token(kind: isBlock ? .blockEnd : .variableEnd, offset: position))
                    position += 3
                    if b == 0x2D { return .all }
                    return .none
                }
                if matchCloser(at: position, closer) {
                    tokens.append(Token(kind: isBlock ? .blockEnd : .variableEnd, offset: position))
                    position += 2
                    return isBlock ? .newline : .none
                }
            }
            try lexExpressionToken(braceDepth: &braceDepth)
        }
    }

    /// Whether `closer` followed by `}` is at `i`.
    private func matchCloser(at i: Int, _ closer: UInt8) -> Bool {
        i + 1 < bytes.count && bytes[i] == closer && bytes[i + 1] == 0x7D
    }

    private static let twoCharOperators: Set<String> = ["//", "**", "==", "!=", "<=", ">="]
    private static let oneCharOperators: Set<UInt8> = Set("+-*/%~<>=()[]{}.,:|;".utf8)

    private mutating func lexExpressionToken(braceDepth: inout Int) throws(JinjaError) {
        let start = position
        let b = bytes[position]
        if isNameStart(b) {
            var i = position + 1
            while i < bytes.count && (isNameStart(bytes[i]) || isDigit(bytes[i])) { i += 1 }
            tokens.append(Token(kind: .name(String(decoding: bytes[position..<i], as: UTF8.self)), offset: start))
            position = i
            return
        }
        if isDigit(b) {
            try lexNumber()
            return
        }
        if b == 0x27 || b == 0x22 {
            try lexString(quote: b)
            return
        }
        if position + 1 < bytes.count {
            let pair = String(decoding: bytes[position..<position + 2], as: UTF8.self)
            if Lexer.twoCharOperators.contains(pair) {
                tokens.append(Token(kind: .op(pair), offset: start))
                position += 2
                return
            }
        }
        if Lexer.oneCharOperators.contains(b) {
            if b == 0x7B { braceDepth += 1 }
            if b == 0x7D { braceDepth = max(0, braceDepth - 1) }
            tokens.append(Token(kind: .op(String(UnicodeScalar(b))), offset: start))
            position += 1
            return
        }
        throw error("unexpected character '\(String(decoding: bytes[position..<min(position + 1, bytes.count)], as: UTF8.self))'", at: start)
    }

    private func isNameStart(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// An integer or float literal; `_` may separate digits. After a `.` (as in `items.0`) only
    /// the integer part is read, so the dot stays an attribute access.
    private mutating func lexNumber() throws(JinjaError) {
        let start = position
        let afterDot = start > 0 && bytes[start - 1] == 0x2E
        var digits = ""
        var isFloat = false
        func readDigits(_ lexer: inout Lexer, into text: inout String) {
            while lexer.position < lexer.bytes.count,
                  lexer.isDigit(lexer.bytes[lexer.position]) || (lexer.bytes[lexer.position] == 0x5F && lexer.position + 1 < lexer.bytes.count && lexer.isDigit(lexer.bytes[lexer.position + 1])) {
                if lexer.bytes[lexer.position] != 0x5F { text.append(Character(UnicodeScalar(lexer.bytes[lexer.position]))) }
                lexer.position += 1
            }
        }
        readDigits(&self, into: &digits)
        if !afterDot {
            if position + 1 < bytes.count && bytes[position] == 0x2E && isDigit(bytes[position + 1]) {
                isFloat = true
                digits.append(".")
                position += 1
                readDigits(&self, into: &digits)
            }
            if position < bytes.count && (bytes[position] == 0x65 || bytes[position] == 0x45) {
                var j = position + 1
                if j < bytes.count && (bytes[j] == 0x2B || bytes[j] == 0x2D) { j += 1 }
                if j < bytes.count && isDigit(bytes[j]) {
                    isFloat = true
                    digits.append("e")
                    if bytes[position + 1] == 0x2D { digits.append("-") }
                    position = j
                    readDigits(&self, into: &digits)
                }
            }
        }
        if isFloat {
            guard let value = Double(digits) else { throw error("invalid number '\(digits)'", at: start) }
            tokens.append(Token(kind: .float(value), offset: start))
        } else {
            guard let value = Int(digits) else { throw error("integer literal '\(digits)' is too large", at: start) }
            tokens.append(Token(kind: .integer(value), offset: start))
        }
    }

    /// A quoted string with Python's escapes (`\n`, `\t`, `\\`, `\'`, `\xNN`, `\uNNNN`...).
    private mutating func lexString(quote: UInt8) throws(JinjaError) {
        let start = position
        position += 1
        var raw: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("unterminated string literal", at: start) }
            let b = bytes[position]
            if b == quote { position += 1; break }
            if b == 0x5C && position + 1 < bytes.count {
                position += 1
                let e = bytes[position]
                position += 1
                switch e {
                case 0x6E: raw.append(0x0A)  // n
                case 0x74: raw.append(0x09)  // t
                case 0x72: raw.append(0x0D)  // r
                case 0x30: raw.append(0x00)  // 0
                case 0x61: raw.append(0x07)  // a
                case 0x62: raw.append(0x08)  // b
                case 0x66: raw.append(0x0C)  // f
                case 0x76: raw.append(0x0B)  // v
                case 0x5C, 0x27, 0x22: raw.append(e)
                case 0x0A: break  // backslash-newline continues the line
                case 0x78, 0x75, 0x55:  // x, u, U
                    let width = e == 0x78 ? 2 : (e == 0x75 ? 4 : 8)
                    guard position + width <= bytes.count,
                          let code = UInt32(String(decoding: bytes[position..<position + width], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else {
                        throw error("invalid escape in string literal", at: position - 2)
                    }
                    raw.append(contentsOf: String(scalar).utf8)
                    position += width
                default:
                    raw.append(0x5C)
                    raw.append(e)
                }
                continue
            }
            raw.append(b)
            position += 1
        }
        tokens.append(Token(kind: .string(String(decoding: raw, as: UTF8.self)), offset: start))
    }
}
