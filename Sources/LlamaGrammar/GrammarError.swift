/// A place in a grammar's text: line and column, both counted from 1.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Everything that can be wrong with a grammar, a JSON Schema, or a match in progress.
///
/// Grammar errors name the rule and the position in the text; schema errors name the JSON
/// pointer of the offending schema, so a server can return them to the client as they are.
public enum GrammarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The grammar text holds no rules.
    case emptyGrammar
    /// The text does not follow GBNF syntax at `position`; `rule` is the rule being read, if any.
    case syntax(String, rule: String?, at: SourcePosition)
    /// A string literal is not closed before the end of the text.
    case unterminatedLiteral(rule: String, at: SourcePosition)
    /// A character class is not closed before the end of the text.
    case unterminatedClass(rule: String, at: SourcePosition)
    /// A repetition `{m,n}` is malformed, has `n < m`, or exceeds the supported count.
    case badRepetition(String, rule: String, at: SourcePosition)
    /// A rule is used but never defined.
    case undefinedRule(String, referencedFrom: String, at: SourcePosition)
    /// A rule is defined twice.
    case duplicateRule(String, at: SourcePosition)
    /// No rule is named `root`.
    case missingRoot
    /// A rule can reach itself without consuming a character, which a top-down matcher
    /// cannot run.
    case leftRecursion(rule: String)
    /// A rule matches no string at all (for example, it recurses without a way out).
    case emptyLanguage(rule: String)
    /// The matcher needed more parse stacks than `limit` at once: the grammar is too ambiguous.
    case tooManyStacks(limit: Int)
    /// The matcher's state cache grew past `limit` states.
    case tooManyStates(limit: Int)
    /// A token id outside the vocabulary.
    case unknownToken(Int)
    /// JSON text (a schema) is malformed at byte `offset`.
    case invalidJSON(String, offset: Int)
    /// A schema uses a feature the converter cannot express; `path` is its JSON pointer.
    case unsupportedSchema(path: String, reason: String)
    /// A schema is not valid JSON Schema (wrong value types, dangling `$ref`, empty range).
    case invalidSchema(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyGrammar:
            "the grammar has no rules"
        case .syntax(let message, let rule, let position):
            "\(position)\(rule.map { " in rule '\($0)'" } ?? ""): \(message)"
        case .unterminatedLiteral(let rule, let position):
            "\(position) in rule '\(rule)': unterminated string literal"
        case .unterminatedClass(let rule, let position):
            "\(position) in rule '\(rule)': unterminated character class"
        case .badRepetition(let message, let rule, let position):
            "\(position) in rule '\(rule)': bad repetition: \(message)"
        case .undefinedRule(let name, let from, let position):
            "\(position) in rule '\(from)': undefined rule '\(name)'"
        case .duplicateRule(let name, let position):
            "\(position): rule '\(name)' is defined twice"
        case .missingRoot:
            "the grammar has no 'root' rule"
        case .leftRecursion(let rule):
            "rule '\(rule)' is left-recursive"
        case .emptyLanguage(let rule):
            "rule '\(rule)' matches no string"
        case .tooManyStacks(let limit):
            "the grammar is too ambiguous: more than \(limit) parse stacks at once"
        case .tooManyStates(let limit):
            "the grammar matcher needed more than \(limit) cached states"
        case .unknownToken(let id):
            "token id \(id) is not in the vocabulary"
        case .invalidJSON(let message, let offset):
            "invalid JSON at byte \(offset): \(message)"
        case .unsupportedSchema(let path, let reason):
            "\(path.isEmpty ? "/" : path): \(reason)"
        case .invalidSchema(let path, let reason):
            "\(path.isEmpty ? "/" : path): invalid schema: \(reason)"
        }
    }
}
