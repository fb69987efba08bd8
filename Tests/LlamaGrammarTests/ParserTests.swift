import LlamaGrammar
import Testing

/// GBNF syntax: what parses, and the errors (with rule and position) for what does not.
@Suite struct ParserTests {
    @Test func parsesEveryConstruct() throws {
        let grammar = try Grammar(gbnf: """
            # a comment
            root ::= item+ tail? ("x" | [a-c])* "q"{2} "r"{1,} "s"{1,3} "t"{,2}
            item ::= [^\\n\\x41\\u00e9\\U0001F600] | "\\"\\\\\\t" | .
            tail ::=
              "a"
              | "b" # continuation line
            """)
        #expect(grammar.rules.map(\.name) == ["root", "item", "tail"])
        #expect(grammar["tail"]?.body == .alternatives([.literal(["a"]), .literal(["b"])]))
        #expect(grammar["item"]?.body == .alternatives([
            .characterClass(CharacterClass(ranges: [10...10, 0x41...0x41, 0xE9...0xE9, 0x1F600...0x1F600], isNegated: true)),
            .literal(["\"", "\\", "\t"]), .anyCharacter,
        ]))
    }

    @Test func errorsNameRuleAndPosition() {
        #expect(throws: GrammarError.emptyGrammar) { try Grammar(gbnf: "  # nothing\n") }
        #expect(throws: GrammarError.missingRoot) { try Grammar(gbnf: "a ::= \"x\"") }
        #expect(throws: GrammarError.undefinedRule("b", referencedFrom: "root", at: SourcePosition(line: 2, column: 14))) {
            try Grammar(gbnf: "\nroot ::= \"a\" b")
        }
        #expect(throws: GrammarError.unterminatedLiteral(rule: "root", at: SourcePosition(line: 1, column: 10))) {
            try Grammar(gbnf: "root ::= \"abc\nx ::= \"y\"")
        }
        #expect(throws: GrammarError.unterminatedClass(rule: "root", at: SourcePosition(line: 1, column: 10))) {
            try Grammar(gbnf: "root ::= [a-z")
        }
        #expect(throws: GrammarError.badRepetition("maximum 2 is below minimum 3", rule: "root", at: SourcePosition(line: 1, column: 13))) {
            try Grammar(gbnf: "root ::= \"a\"{3,2}")
        }
        #expect(throws: GrammarError.duplicateRule("root", at: SourcePosition(line: 2, column: 1))) {
            try Grammar(gbnf: "root ::= \"a\"\nroot ::= \"b\"")
        }
        #expect(throws: GrammarError.syntax("expected ')'", rule: "root", at: SourcePosition(line: 1, column: 14))) {
            try Grammar(gbnf: "root ::= (\"a\"")
        }
    }

    @Test func compileRejectsLeftRecursionAndEmptyLanguages() {
        #expect(throws: GrammarError.leftRecursion(rule: "expr")) {
            try CompiledGrammar(gbnf: "root ::= expr\nexpr ::= expr \"+\" term | term\nterm ::= [0-9]")
        }
        #expect(throws: GrammarError.leftRecursion(rule: "a")) {
            try CompiledGrammar(gbnf: "root ::= a\na ::= b? a \"x\" | \"y\"\nb ::= \"b\"")
        }
        #expect(throws: GrammarError.emptyLanguage(rule: "root")) {
            try CompiledGrammar(gbnf: "root ::= \"a\" loop\nloop ::= \"b\" loop")
        }
        // Repeating something that can be empty is not left recursion: it is a tail call.
        #expect(throws: Never.self) { try CompiledGrammar(gbnf: "root ::= (\"a\"?)* \"b\"") }
    }

    @Test func exponentialAmbiguityHitsTheStackLimit() throws {
        // After n a's, 2^n distinct continuations are alive.
        var matcher = try GrammarMatcher(gbnf: "root ::= s\ns ::= \"a\" s \"b\" | \"a\" s \"c\" | \"\"", limits: GrammarLimits(maxStacks: 256))
        #expect(throws: GrammarError.tooManyStacks(limit: 256)) {
            try matcher.accept(String(repeating: "a", count: 20))
        }
    }
}
