/// A set of Unicode scalar values: ranges, possibly negated (`[^...]`).
public struct CharacterClass: Sendable, Hashable {
    /// Inclusive ranges of scalar values, in the order written.
    public var ranges: [ClosedRange<UInt32>]
    /// Whether the class matches every scalar *outside* `ranges`.
    public var isNegated: Bool

    public init(ranges: [ClosedRange<UInt32>], isNegated: Bool = false) {
        self.ranges = ranges
        self.isNegated = isNegated
    }

    /// Whether the class matches `scalar`.
    @inlinable
    public func contains(_ scalar: UInt32) -> Bool {
        var inside = false
        for range in ranges where range.contains(scalar) {
            inside = true
            break
        }
        return inside != isNegated
    }

    /// Whether the class matches at least one scalar in `low...high`.
    func intersects(_ low: UInt32, _ high: UInt32) -> Bool {
        if !isNegated {
            return ranges.contains { $0.lowerBound <= high && low <= $0.upperBound }
        }
        // Negated: some value in low...high is outside every range. Walk up from `low`,
        // jumping past any range that covers the current value.
        var value = low
        while value <= high {
            guard let covering = ranges.first(where: { $0.contains(value) }) else { return true }
            if covering.upperBound >= high { return false }
            value = covering.upperBound + 1
        }
        return false
    }
}

/// One node of a parsed grammar rule's right-hand side.
public indirect enum GrammarExpression: Sendable, Equatable {
    /// A string literal: these scalars in order (empty: matches the empty string).
    case literal([Unicode.Scalar])
    /// One scalar from a class (`[a-z]`, `[^"\\]`).
    case characterClass(CharacterClass)
    /// Any one scalar (`.`).
    case anyCharacter
    /// Another rule, by name.
    case reference(String)
    /// Each part in order.
    case sequence([GrammarExpression])
    /// Any one of the choices.
    case alternatives([GrammarExpression])
    /// `min` to `max` (nil: unbounded) repetitions of the operand.
    case repetition(GrammarExpression, min: Int, max: Int?)
}

/// A rule `name ::= body` as written in the grammar text.
public struct GrammarRule: Sendable, Equatable {
    public var name: String
    public var body: GrammarExpression
    /// Where the rule's name starts in the text.
    public var position: SourcePosition
}

/// A parsed GBNF grammar (llama.cpp's syntax): named rules, one of them `root`.
///
/// Parsing checks the syntax, that every referenced rule is defined, and that `root` exists.
/// Compile it with ``CompiledGrammar`` to match text against it.
public struct Grammar: Sendable, Equatable {
    /// The rules in the order they appear in the text.
    public let rules: [GrammarRule]

    /// Parses GBNF text.
    ///
    /// - Throws: ``GrammarError`` naming the rule and the line and column of the first problem.
    public init(gbnf text: String) throws(GrammarError) {
        var parser = GBNFParser(text)
        rules = try parser.parseGrammar()
    }

    /// The rule named `name`, if any.
    public subscript(name: String) -> GrammarRule? {
        rules.first { $0.name == name }
    }

    /// A grammar for the JSON values that `schema` accepts (see ``JSONSchemaGrammar``).
    public init(jsonSchema schema: JSONValue) throws(GrammarError) {
        try self.init(gbnf: JSONSchemaGrammar.gbnf(for: schema))
    }

    /// A grammar for the JSON values that the schema in `jsonSchemaText` accepts.
    public init(jsonSchemaText: String) throws(GrammarError) {
        try self.init(jsonSchema: JSONValue(parsing: jsonSchemaText))
    }

    /// Any JSON object (OpenAI's `response_format: {"type": "json_object"}`).
    public static let anyJSONObject: Grammar = {
        do { return try Grammar(gbnf: JSONSchemaGrammar.anyJSONObjectGBNF) } catch {
            preconditionFailure("the built-in JSON object grammar does not parse: \(error)")
        }
    }()
}
