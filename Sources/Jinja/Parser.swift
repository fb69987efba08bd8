/// Builds the syntax tree from tokens by recursive descent, with jinja2's operator precedence
/// (loosest first): `x if c else y`, `or`, `and`, `not`, comparisons and `in`, `+ -`, `~`,
/// `* / // %`, `**`, unary `- +`, then filters and tests, then postfix `.`, `[]`, `()`.
///
/// Every recursion goes through ``descend()`` (in ``parseExpression()``, `not`, unary signs
/// and block bodies) or ``chainLink(_:)``, which count depth against
/// ``Limits/maxNestingDepth``, so a deeply nested hostile template ends in an error, not a stack
/// overflow.
struct Parser {
    private let tokens: [Token]
    private let lexer: Lexer
    private var index = 0
    private var depth = 0
    private let maxDepth: Int
    /// How many `for` bodies enclose the current position (`break` and `continue` need one).
    private var loopDepth = 0

    init(source: String, maxDepth: Int) throws(JinjaError) {
        var lexer = Lexer(source: source)
        tokens = try lexer.tokenize()
        self.lexer = lexer
        self.maxDepth = maxDepth
    }

    // MARK: Token helpers

    private var current: Token { tokens[index] }
    private func peek(_ ahead: Int = 1) -> Token { tokens[min(index + ahead, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func error(_ message: String, at token: Token? = nil) -> JinjaError {
        let (line, column) = lexer.location(of: (token ?? current).offset)
        return .syntax(message: message, line: line, column: column)
    }

    private func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    private func isName(_ name: String) -> Bool { current.kind == .name(name) }

    private mutating func skipOp(_ op: String) -> Bool {
        if isOp(op) { advance(); return true }
        return false
    }

    private mutating func skipName(_ name: String) -> Bool {
        if isName(name) { advance(); return true }
        return false
    }

    private mutating func expectOp(_ op: String) throws(JinjaError) {
        guard skipOp(op) else { throw error("expected '\(op)', found \(describe(current))") }
    }

    private mutating func expectName() throws(JinjaError) -> String {
        guard case .name(let name) = current.kind else { throw error("expected a name, found \(describe(current))") }
        advance()
        return name
    }

    private mutating func expectBlockEnd() throws(JinjaError) {
        guard current.kind == .blockEnd else { throw error("expected end of statement block, found \(describe(current))") }
        advance()
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .text: return "template text"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case .name(let n): return "'\(n)'"
        case .string(let s): return "string '\(s)'"
        case .integer(let i): return "integer \(i)"
        case .float(let d): return "number \(d)"
        case .op(let o): return "'\(o)'"
        case .end: return "end of template"
        }
    }

    /// Counts one level of nesting; the caller calls ``ascend()`` when done.
    private mutating func descend() throws(JinjaError) {
        depth += 1
        if depth > maxDepth { throw .limit("template nests deeper than \(maxDepth) levels (line \(lexer.line(of: current.offset)))") }
    }

    private mutating func ascend() { depth -= 1 }

    /// Counts one more link of a chain that nests to the left as it grows (`a + b + c`,
    /// `x.y.z`, `x | f | g`): each link is one level deeper in the tree. The caller gives the
    /// links back with `depth -= links` when the chain ends.
    private mutating func chainLink(_ links: inout Int) throws(JinjaError) {
        links += 1
        try descend()
    }

    // MARK: Statements

    /// Parses the whole template.
    mutating func parseTemplate() throws(JinjaError) -> [Node] {
        try parseBody(until: [], opener: nil).0
    }

    /// Parses nodes until a block tag whose name is in `endTags` (returned, with the position
    /// just after the name), or the end of the template when `endTags` is empty.
    private mutating func parseBody(until endTags: Set<String>, opener: (String, Token)?) throws(JinjaError) -> ([Node], String?) {
        try descend()
        defer { ascend() }
        var nodes: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                if let (name, openToken) = opener {
                    throw error("unexpected end of template: '\(name)' block is never closed (expected \(endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")))", at: openToken)
                }
                return (nodes, nil)
            case .text(let text):
                nodes.append(.text(text))
                advance()
            case .variableBegin:
                advance()
                let expr = try parseTuple()
                guard current.kind == .variableEnd else { throw error("expected '}}', found \(describe(current))") }
                advance()
                nodes.append(.located(line: lexer.line(of: token.offset), .output(expr)))
            case .blockBegin:
                advance()
                guard case .name(let name) = current.kind else { throw error("expected a statement name, found \(describe(current))") }
                if endTags.contains(name) {
                    advance()
                    return (nodes, name)
                }
                let line = lexer.line(of: token.offset)
                nodes.append(contentsOf: try parseStatement(name, opener: token).map { .located(line: line, $0) })
            default:
                throw error("unexpected \(describe(token))")
            }
        }
    }

    /// Parses the statement named `name` (the current token). Most give one node; `generation`
    /// gives its body's nodes, as it renders its body unchanged.
    private mutating func parseStatement(_ name: String, opener: Token) throws(JinjaError) -> [Node] {
        advance()
        switch name {
        case "if": return [try parseIf(opener: opener)]
        case "for": return [try parseFor(opener: opener)]
        case "set": return [try parseSet(opener: opener)]
        case "macro": return [try parseMacro(opener: opener)]
        case "call": return [try parseCallBlock(opener: opener)]
        case "filter":
            let filters = try parseFilterChain()
            try expectBlockEnd()
            let (body, _) = try parseBody(until: ["endfilter"], opener: ("filter", opener))
            try expectBlockEnd()
            return [.filterBlock(filters, body: body)]
        case "generation":
            // transformers' {% generation %} marks the assistant's text; it renders its body.
            try expectBlockEnd()
            let (body, _) = try parseBody(until: ["endgeneration"], opener: ("generation", opener))
            try expectBlockEnd()
            return body
        case "break", "continue":
            guard loopDepth > 0 else { throw error("'\(name)' outside of a loop", at: opener) }
            try expectBlockEnd()
            return [name == "break" ? .breakLoop : .continueLoop]
        default:
            throw error("unknown tag '\(name)'", at: peek(-1))
        }
    }

    private mutating func parseIf(opener: Token) throws(JinjaError) -> Node {
        var branches: [(Expr, [Node])] = []
        var condition = try parseTuple(allowConditional: true)
        try expectBlockEnd()
        while true {
            let (body, end) = try parseBody(until: ["elif", "else", "endif"], opener: ("if", opener))
            branches.append((condition, body))
            switch end {
            case "elif":
                condition = try parseTuple(allowConditional: true)
                try expectBlockEnd()
            case "else":
                try expectBlockEnd()
                let (otherwise, _) = try parseBody(until: ["endif"], opener: ("if", opener))
                try expectBlockEnd()
                return .conditional(branches, otherwise: otherwise)
            default:
                try expectBlockEnd()
                return .conditional(branches, otherwise: [])
            }
        }
    }

    private mutating func parseFor(opener: Token) throws(JinjaError) -> Node {
        let target = try parseAssignTarget(allowAttribute: false)
        guard skipName("in") else { throw error("expected 'in' in for loop, found \(describe(current))") }
        let iterable = try parseTuple(allowConditional: false)
        var filter: Expr?
        if skipName("if") { filter = try parseExpression() }
        if skipName("recursive") { throw error("recursive loops are not supported", at: peek(-1)) }
        try expectBlockEnd()
        loopDepth += 1
        let (body, end) = try parseBody(until: ["else", "endfor"], opener: ("for", opener))
        loopDepth -= 1
        var otherwise: [Node] = []
        try expectBlockEnd()
        if end == "else" {
            (otherwise, _) = try parseBody(until: ["endfor"], opener: ("for", opener))
            try expectBlockEnd()
        }
        return .forLoop(ForLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise))
    }

    private mutating func parseAssignTarget(allowAttribute: Bool) throws(JinjaError) -> Target {
        let parenthesized = skipOp("(")
        let first = try expectName()
        if allowAttribute && skipOp(".") {
            return .attribute(first, try expectName())
        }
        var names = [first]
        while skipOp(",") {
            guard case .name = current.kind else { break }
            names.append(try expectName())
        }
        if parenthesized { try expectOp(")") }
        return names.count == 1 && !parenthesized ? .name(first) : .tuple(names)
    }

    private mutating func parseSet(opener: Token) throws(JinjaError) -> Node {
        let target = try parseAssignTarget(allowAttribute: true)
        if skipOp("=") {
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(target, value)
        }
        var filters: [(String, Arguments)] = []
        if skipOp("|") { filters = try parseFilterChain() }
        try expectBlockEnd()
        let (body, _) = try parseBody(until: ["endset"], opener: ("set", opener))
        try expectBlockEnd()
        return .setBlock(target, body: body, filters: filters)
    }

    /// `name(args)|name2...` as in `{% filter %}` and block `{% set x | f %}`.
    private mutating func parseFilterChain() throws(JinjaError) -> [(String, Arguments)] {
        var filters: [(String, Arguments)] = []
        repeat {
            let name = try parseDottedName()
            let args = isOp("(") ? try parseCallArguments() : Arguments()
            filters.append((name, args))
        } while skipOp("|")
        return filters
    }

    private mutating func parseParameters() throws(JinjaError) -> [(String, Expr?)] {
        var parameters: [(String, Expr?)] = []
        try expectOp("(")
        while !isOp(")") {
            if !parameters.isEmpty { try expectOp(","); if isOp(")") { break } }
            let name = try expectName()
            parameters.append((name, skipOp("=") ? try parseExpression() : nil))
        }
        try expectOp(")")
        return parameters
    }

    private mutating func parseMacro(opener: Token) throws(JinjaError) -> Node {
        let name = try expectName()
        let parameters = try parseParameters()
        try expectBlockEnd()
        let savedLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try parseBody(until: ["endmacro"], opener: ("macro", opener))
        loopDepth = savedLoopDepth
        try expectBlockEnd()
        return .macro(MacroDefinition(name: name, parameters: parameters, body: body))
    }

    private mutating func parseCallBlock(opener: Token) throws(JinjaError) -> Node {
        let parameters = isOp("(") ? try parseParameters() : []
        let call = try parseExpression()
        guard case .call = call else { throw error("expected a call in 'call' block", at: opener) }
        try expectBlockEnd()
        let (body, _) = try parseBody(until: ["endcall"], opener: ("call", opener))
        try expectBlockEnd()
        return .callBlock(call, caller: MacroDefinition(name: "caller", parameters: parameters, body: body))
    }

    // MARK: Expressions

    /// An expression, or several separated by commas (a tuple, as in `{{ a, b }}` or `set x = 1, 2`).
    private mutating func parseTuple(allowConditional: Bool = true) throws(JinjaError) -> Expr {
        let first = allowConditional ? try parseExpression() : try parseOr()
        guard isOp(",") else { return first }
        var items = [first]
        while skipOp(",") {
            if current.kind == .blockEnd || current.kind == .variableEnd { break }
            items.append(allowConditional ? try parseExpression() : try parseOr())
        }
        return .list(items)
    }

    /// A full expression, including `x if c else y`.
    mutating func parseExpression() throws(JinjaError) -> Expr {
        try descend()
        defer { ascend() }
        var expr = try parseOr()
        var links = 0
        defer { depth -= links }
        while skipName("if") {
            try chainLink(&links)
            let condition = try parseOr()
            let otherwise: Expr? = skipName("else") ? try parseExpression() : nil
            expr = .conditional(condition: condition, then: expr, otherwise: otherwise)
        }
        return expr
    }

    private mutating func parseOr() throws(JinjaError) -> Expr {
        var left = try parseAnd()
        var links = 0
        defer { depth -= links }
        while skipName("or") {
            try chainLink(&links)
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(JinjaError) -> Expr {
        var left = try parseNot()
        var links = 0
        defer { depth -= links }
        while skipName("and") {
            try chainLink(&links)
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(JinjaError) -> Expr {
        if skipName("not") {
            try descend()
            defer { ascend() }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(JinjaError) -> Expr {
        let first = try parseMath1()
        var links: [(CompareOperator, Expr)] = []
        while true {
            let op: CompareOperator
            if case .op(let o) = current.kind, let c = CompareOperator(rawValue: o), c != .isIn, c != .notIn {
                op = c
                advance()
            } else if isName("in") {
                op = .isIn
                advance()
            } else if isName("not"), peek().kind == .name("in") {
                op = .notIn
                advance()
                advance()
            } else {
                break
            }
            links.append((op, try parseMath1()))
        }
        return links.isEmpty ? first : .compare(first, links)
    }

    private mutating func parseMath1() throws(JinjaError) -> Expr {
        var left = try parseConcat()
        var links = 0
        defer { depth -= links }
        while true {
            if isOp("+") || isOp("-") { try chainLink(&links) }
            if skipOp("+") { left = .binary(.add, left, try parseConcat()) }
            else if skipOp("-") { left = .binary(.subtract, left, try parseConcat()) }
            else { return left }
        }
    }

    private mutating func parseConcat() throws(JinjaError) -> Expr {
        var parts = [try parseMath2()]
        while skipOp("~") { parts.append(try parseMath2()) }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func parseMath2() throws(JinjaError) -> Expr {
        var left = try parsePower()
        var links = 0
        defer { depth -= links }
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .op("*"): op = .multiply
            case .op("/"): op = .divide
            case .op("//"): op = .floorDivide
            case .op("%"): op = .modulo
            default: return left
            }
            advance()
            try chainLink(&links)
            left = .binary(op, left, try parsePower())
        }
    }

    private mutating func parsePower() throws(JinjaError) -> Expr {
        var left = try parseUnary(withFilters: true)
        var links = 0
        defer { depth -= links }
        while skipOp("**") {
            try chainLink(&links)
            left = .binary(.power, left, try parseUnary(withFilters: true))
        }
        return left
    }

    private mutating func parseUnary(withFilters: Bool) throws(JinjaError) -> Expr {
        var expr: Expr
        if isOp("-") || isOp("+") {
            let negative = isOp("-")
            advance()
            try descend()
            let operand = try parseUnary(withFilters: false)
            ascend()
            expr = negative ? .negate(operand) : .plus(operand)
        } else {
            expr = try parsePostfix(try parsePrimary())
        }
        return withFilters ? try parseFiltersAndTests(expr) : expr
    }

    private mutating func parsePrimary() throws(JinjaError) -> Expr {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(var text):
            advance()
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return .literal(.string(text))
        case .integer(let i):
            advance()
            return .literal(.int(i))
        case .float(let d):
            advance()
            return .literal(.double(d))
        case .op("("):
            advance()
            if skipOp(")") { return .list([]) }
            let first = try parseExpression()
            if skipOp(")") { return first }
            var items = [first]
            while skipOp(",") {
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            try expectOp(")")
            return .list(items)
        case .op("["):
            advance()
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(","); if isOp("]") { break } }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .list(items)
        case .op("{"):
            advance()
            var pairs: [(Expr, Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(","); if isOp("}") { break } }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            try expectOp("}")
            return .dict(pairs)
        default:
            throw error("unexpected \(describe(token)) in an expression")
        }
    }

    private mutating func parsePostfix(_ base: Expr) throws(JinjaError) -> Expr {
        var expr = base
        var links = 0
        defer { depth -= links }
        while true {
            if isOp(".") || isOp("[") || isOp("(") { try chainLink(&links) }
            if skipOp(".") {
                switch current.kind {
                case .name(let name):
                    advance()
                    expr = .attribute(expr, name)
                case .integer(let i):
                    advance()
                    expr = .item(expr, .literal(.int(i)))
                default:
                    throw error("expected an attribute name after '.', found \(describe(current))")
                }
            } else if isOp("[") {
                advance()
                expr = try parseSubscript(expr)
            } else if isOp("(") {
                expr = .call(expr, try parseCallArguments())
            } else {
                return expr
            }
        }
    }

    /// After `[`: an index, or a slice `start:stop:step` with any part left out.
    private mutating func parseSubscript(_ base: Expr) throws(JinjaError) -> Expr {
        var parts: [Expr?] = []
        var current: Expr? = nil
        var sawColon = false
        while !isOp("]") {
            if skipOp(":") {
                sawColon = true
                parts.append(current)
                current = nil
                continue
            }
            guard current == nil else { throw error("expected ':' or ']' in subscript, found \(describe(self.current))") }
            current = try parseExpression()
        }
        advance()
        guard sawColon else {
            guard let index = current else { throw error("empty subscript") }
            return .item(base, index)
        }
        parts.append(current)
        guard parts.count <= 3 else { throw error("a slice has at most three parts") }
        while parts.count < 3 { parts.append(nil) }
        return .slice(base, start: parts[0], stop: parts[1], step: parts[2])
    }

    private mutating func parseCallArguments() throws(JinjaError) -> Arguments {
        try expectOp("(")
        var args = Arguments()
        var first = true
        while !isOp(")") {
            if !first { try expectOp(","); if isOp(")") { break } }
            first = false
            if case .name(let name) = current.kind, peek().kind == .op("=") {
                advance()
                advance()
                args.keyword.append((name, try parseExpression()))
            } else {
                if isOp("*") || isOp("**") { throw error("'*' and '**' arguments are not supported") }
                guard args.keyword.isEmpty else { throw error("positional argument after a keyword argument") }
                args.positional.append(try parseExpression())
            }
        }
        try expectOp(")")
        return args
    }

    private mutating func parseDottedName() throws(JinjaError) -> String {
        var name = try expectName()
        while skipOp(".") { name += "." + (try expectName()) }
        return name
    }

    private mutating func parseFiltersAndTests(_ base: Expr) throws(JinjaError) -> Expr {
        var expr = base
        var links = 0
        defer { depth -= links }
        while true {
            if isOp("|") || isName("is") || isOp("(") { try chainLink(&links) }
            if skipOp("|") {
                let name = try parseDottedName()
                let args = isOp("(") ? try parseCallArguments() : Arguments()
                expr = .filter(expr, name, args)
            } else if skipName("is") {
                let negated = skipName("not")
                let name = try parseDottedName()
                var args = Arguments()
                switch current.kind {
                case .op("("):
                    args = try parseCallArguments()
                case .name("else"), .name("or"), .name("and"):
                    break
                case .name, .string, .integer, .float, .op("["), .op("{"):
                    if isName("is") { throw error("tests cannot be chained with 'is'") }
                    args.positional = [try parsePostfix(try parsePrimary())]
                default:
                    break
                }
                expr = .test(expr, name, args, negated: negated)
            } else if isOp("(") {
                expr = .call(expr, try parseCallArguments())
            } else {
                return expr
            }
        }
    }
}
