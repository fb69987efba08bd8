/// Limits that keep a matcher's work and memory bounded on hostile or very ambiguous grammars.
public struct GrammarLimits: Sendable, Equatable {
    /// The most parse stacks one matcher state may hold; more throws ``GrammarError/tooManyStacks(limit:)``.
    public var maxStacks: Int
    /// The most distinct states a matcher caches; more throws ``GrammarError/tooManyStates(limit:)``.
    /// Each cached state costs 1 KiB of transition table.
    public var maxStates: Int

    public init(maxStacks: Int = 4096, maxStates: Int = 200_000) {
        self.maxStacks = maxStacks
        self.maxStates = maxStates
    }
}

/// A grammar lowered to plain BNF over Unicode scalars, checked and ready to match.
///
/// Every group and repetition becomes a rule of its own, and each rule is a list of
/// alternatives, each a run of elements ending in `.end`, stored in one flat array so that a
/// parse position is a single index. Compiling rejects left recursion (which a top-down
/// matcher cannot run) and drops alternatives that can never complete, so that every prefix
/// the matcher accepts can still be finished.
public struct CompiledGrammar: Sendable {
    enum Element: Equatable {
        /// One scalar from `classes[index]`.
        case terminal(Int32)
        /// A rule, by index.
        case reference(Int32)
        /// The end of an alternative.
        case end
    }

    /// All alternatives of all rules, each ending in `.end`.
    let elements: [Element]
    /// Per rule, where each of its alternatives starts in `elements`.
    let alternativeStarts: [[Int32]]
    let classes: [CharacterClass]
    let rootRule: Int32
    public let limits: GrammarLimits

    /// Compiles `grammar`.
    ///
    /// - Throws: ``GrammarError/leftRecursion(rule:)`` naming a rule of the text,
    ///   ``GrammarError/emptyLanguage(rule:)`` when `root` matches no string.
    public init(_ grammar: Grammar, limits: GrammarLimits = GrammarLimits()) throws(GrammarError) {
        let lowering = Lowering(grammar)
        let rules = lowering.rules
        try Self.rejectLeftRecursion(rules)
        let pruned = Self.pruneUnproductive(rules)
        guard !pruned[lowering.rootIndex].alternatives.isEmpty else { throw .emptyLanguage(rule: "root") }

        var elements: [Element] = []
        var starts: [[Int32]] = []
        for rule in pruned {
            var ruleStarts: [Int32] = []
            for alternative in rule.alternatives {
                ruleStarts.append(Int32(elements.count))
                for symbol in alternative {
                    switch symbol {
                    case .terminal(let c): elements.append(.terminal(Int32(c)))
                    case .rule(let r): elements.append(.reference(Int32(r)))
                    }
                }
                elements.append(.end)
            }
            starts.append(ruleStarts)
        }
        self.elements = elements
        self.alternativeStarts = starts
        self.classes = lowering.classes
        self.rootRule = Int32(lowering.rootIndex)
        self.limits = limits
    }

    /// Compiles GBNF text.
    public init(gbnf: String, limits: GrammarLimits = GrammarLimits()) throws(GrammarError) {
        try self.init(Grammar(gbnf: gbnf), limits: limits)
    }

    // MARK: Checks

    /// Finds a cycle of leftmost references that grows the parse stack.
    ///
    /// A reference in an alternative is leftmost when every symbol before it can match the
    /// empty string. Expanding it pushes the rest of the alternative, unless it is the last
    /// symbol (a tail call, which the matcher runs without pushing). A cycle made only of tail
    /// calls revisits the same stack, which the matcher detects; a cycle with any other edge
    /// pushes without end, so it is an error.
    static func rejectLeftRecursion(_ rules: [Lowering.Rule]) throws(GrammarError) {
        let nullable = nullableRules(rules)
        // edges[r]: (target, pushes) for each leftmost reference in rule r.
        var edges: [[(Int, Bool)]] = Array(repeating: [], count: rules.count)
        for (r, rule) in rules.enumerated() {
            for alternative in rule.alternatives {
                for (i, symbol) in alternative.enumerated() {
                    guard case .rule(let target) = symbol else { break }
                    edges[r].append((target, i < alternative.count - 1))
                    if !nullable[target] { break }
                }
            }
        }
        // Tarjan's strongly connected components, iteratively.
        var indexOf = [Int](repeating: -1, count: rules.count)
        var low = [Int](repeating: 0, count: rules.count)
        var onStack = [Bool](repeating: false, count: rules.count)
        var component = [Int](repeating: -1, count: rules.count)
        var stack: [Int] = []
        var counter = 0
        var components = 0
        for start in rules.indices where indexOf[start] < 0 {
            var work: [(node: Int, edge: Int)] = [(start, 0)]
            indexOf[start] = counter; low[start] = counter; counter += 1
            stack.append(start); onStack[start] = true
            while let (node, edge) = work.last {
                if edge < edges[node].count {
                    work[work.count - 1].edge += 1
                    let next = edges[node][edge].0
                    if indexOf[next] < 0 {
                        indexOf[next] = counter; low[next] = counter; counter += 1
                        stack.append(next); onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        low[node] = min(low[node], indexOf[next])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { low[parent] = min(low[parent], low[node]) }
                if low[node] == indexOf[node] {
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component[member] = components
                        if member == node { break }
                    }
                    components += 1
                }
            }
        }
        for (r, list) in edges.enumerated() {
            for (target, pushes) in list where pushes && component[target] == component[r] {
                throw .leftRecursion(rule: rules[r].origin)
            }
        }
    }

    static func nullableRules(_ rules: [Lowering.Rule]) -> [Bool] {
        var nullable = [Bool](repeating: false, count: rules.count)
        var changed = true
        while changed {
            changed = false
            for (r, rule) in rules.enumerated() where !nullable[r] {
                let canBeEmpty = rule.alternatives.contains { alternative in
                    alternative.allSatisfy { if case .rule(let t) = $0 { nullable[t] } else { false } }
                }
                if canBeEmpty {
                    nullable[r] = true
                    changed = true
                }
            }
        }
        return nullable
    }

    /// Removes alternatives that use a rule which matches no string, so every rule left can
    /// complete from any point.
    static func pruneUnproductive(_ rules: [Lowering.Rule]) -> [Lowering.Rule] {
        var productive = [Bool](repeating: false, count: rules.count)
        var changed = true
        while changed {
            changed = false
            for (r, rule) in rules.enumerated() where !productive[r] {
                let completes = rule.alternatives.contains { alternative in
                    alternative.allSatisfy { if case .rule(let t) = $0 { productive[t] } else { true } }
                }
                if completes {
                    productive[r] = true
                    changed = true
                }
            }
        }
        return rules.map { rule in
            var kept = rule
            kept.alternatives = rule.alternatives.filter { alternative in
                alternative.allSatisfy { if case .rule(let t) = $0 { productive[t] } else { true } }
            }
            return kept
        }
    }
}

/// Turns the parsed expressions into BNF rules, adding a rule per group and repetition.
struct Lowering {
    enum Symbol: Equatable {
        case terminal(Int)
        case rule(Int)
    }

    struct Rule {
        var alternatives: [[Symbol]]
        /// The grammar rule this one was written in, for error messages.
        var origin: String
    }

    private(set) var rules: [Rule] = []
    private(set) var classes: [CharacterClass] = []
    private var classIndex: [CharacterClass: Int] = [:]
    private var ruleIndex: [String: Int] = [:]
    let rootIndex: Int

    init(_ grammar: Grammar) {
        for (i, rule) in grammar.rules.enumerated() {
            ruleIndex[rule.name] = i
            rules.append(Rule(alternatives: [], origin: rule.name))
        }
        rootIndex = ruleIndex["root"]!
        for (i, rule) in grammar.rules.enumerated() {
            let body: [GrammarExpression] = if case .alternatives(let choices) = rule.body { choices } else { [rule.body] }
            rules[i].alternatives = body.map { lowerSequence($0, origin: rule.name) }
        }
    }

    private mutating func terminal(_ c: CharacterClass) -> Symbol {
        if let i = classIndex[c] { return .terminal(i) }
        classes.append(c)
        classIndex[c] = classes.count - 1
        return .terminal(classes.count - 1)
    }

    private mutating func newRule(_ alternatives: [[Symbol]], origin: String) -> Int {
        rules.append(Rule(alternatives: alternatives, origin: origin))
        return rules.count - 1
    }

    private mutating func lowerSequence(_ expression: GrammarExpression, origin: String) -> [Symbol] {
        var out: [Symbol] = []
        append(expression, to: &out, origin: origin)
        return out
    }

    /// A single symbol standing for `expression`: itself when it lowers to one, else a new rule.
    private mutating func symbol(for expression: GrammarExpression, origin: String) -> Symbol {
        let lowered = lowerSequence(expression, origin: origin)
        return lowered.count == 1 ? lowered[0] : .rule(newRule([lowered], origin: origin))
    }

    private mutating func append(_ expression: GrammarExpression, to out: inout [Symbol], origin: String) {
        switch expression {
        case .literal(let scalars):
            for s in scalars { out.append(terminal(CharacterClass(ranges: [s.value...s.value]))) }
        case .characterClass(let c):
            out.append(terminal(c))
        case .anyCharacter:
            out.append(terminal(CharacterClass(ranges: [], isNegated: true)))
        case .reference(let name):
            out.append(.rule(ruleIndex[name]!))
        case .sequence(let parts):
            for part in parts { append(part, to: &out, origin: origin) }
        case .alternatives(let choices):
            out.append(.rule(newRule(choices.map { lowerSequence($0, origin: origin) }, origin: origin)))
        case .repetition(let operand, let min, let max):
            let item = symbol(for: operand, origin: origin)
            for _ in 0..<min { out.append(item) }
            if let max {
                // (max - min) nested optionals: o1 ::= item | ε, o(k) ::= item o(k-1) | ε.
                var optional: Int?
                for _ in 0..<(max - min) {
                    let tail: [Symbol] = optional.map { [item, .rule($0)] } ?? [item]
                    optional = newRule([tail, []], origin: origin)
                }
                if let optional { out.append(.rule(optional)) }
            } else {
                // star ::= item star | ε (a tail call, so the stack does not grow).
                let star = rules.count
                rules.append(Rule(alternatives: [[item, .rule(star)], []], origin: origin))
                out.append(.rule(star))
            }
        }
    }
}
