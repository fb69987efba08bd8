import LlamaGrammar
import Testing

/// Grammars and schemas built to explode: refused with an error naming the limit, or matched
/// lazily in bounded work.
@Suite struct HostileGrammarTests {
    /// Grammars whose one sentence is a billion (nested repetitions) or 2^40 (doubling rules)
    /// letters: the matcher never expands them, so a prefix is accepted and is not yet complete.
    static let huge = [
        "nested repetitions": #"root ::= (("a"{1000}){1000}){1000}"#,
        "doubling rules": (0..<40).map { "r\($0) ::= r\($0 + 1) r\($0 + 1)" }.joined(separator: "\n") + "\nr40 ::= \"a\"\nroot ::= r0",
    ]

    @Test(arguments: huge.keys.sorted())
    func hugeLanguagesMatchLazily(_ name: String) throws {
        var matcher = try GrammarMatcher(gbnf: Self.huge[name]!)
        #expect(try matcher.accept(String(repeating: "a", count: 10_000)))
        #expect(!matcher.isComplete)
        #expect(try !matcher.accept("b"))
    }

    @Test func aRepetitionBoundPastTheLimitIsRefusedWhereItIs() {
        #expect(throws: GrammarError.self) { try GrammarMatcher(gbnf: #"root ::= "a"{2000000000}"#) }
        do {
            _ = try GrammarMatcher(gbnf: #"root ::= "a"{2000000000}"#)
        } catch {
            #expect(error.description.contains("line 1, column 13"), "\(error)")
        }
    }

    @Test func deeplyNestedSchemaIsRefused() {
        let depth = 5_000
        let schema = String(repeating: #"{"type":"array","items":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
        #expect(throws: GrammarError.self) { try GrammarMatcher(jsonSchema: schema) }
    }
}
