import FixtureSupport
import LlamaGrammar
import Testing

/// The matcher against the independent recogniser, on llama.cpp-style example grammars.
@Suite struct MatcherTests {
    static let samples: [String: (accept: [String], reject: [String])] = [
        "arithmetic": (["a=b\n", "x1 +2=3\n", "(a+b)*c = d\ne=f\n"], ["", "a=\n", "a+=b\n", "1a=b\n"]),
        "json": (["{}", "{\"a\": 1}", "{\"a\": [1, 2.5e3, \"x\\n\", true, null, {}]} ", "{\"é\":\"中🙂\"}"],
                 ["", "[]", "{\"a\":}", "{\"a\": 01}", "{\"a\" 1}", "{\"a\":\"\u{01}\"}"]),
        "list": (["- a\n", "- one\n- two é\n"], ["", "- \n", "-a\n", "- a"]),
        "chess": (["1. e4 e5\n2. Nf3 Nc6\n", "1. d4 d5\n2. c4 dxc4\n10. O-O Qxd8+\n"], ["1. e4 e5\n", "1. e9 e5\n2. a3 a6\n"]),
        "c-like": (["int f(){}", "int main(int a, char b) {\n int x = a+2;\n return x*b;\n}\n"], ["int f()", "int 1f(){}"]),
    ]

    @Test(arguments: Fixtures.all.map(\.0))
    func matcherAgreesWithRecognizer(name: String) throws {
        let text = Fixtures.all.first { $0.0 == name }!.1
        let grammar = try Grammar(gbnf: text)
        let compiled = try CompiledGrammar(grammar)
        let (accept, reject) = Self.samples[name]!
        for sample in accept + reject {
            #expect(Recognizer.accepts(grammar, sample) == accept.contains(sample), "recogniser on \(sample.debugDescription)")
            #expect(try Self.drive(compiled, sample) == accept.contains(sample), "matcher on \(sample.debugDescription)")
        }
        // Every prefix of an accepted string is a live matcher state, and mutations agree too.
        var rng = SplitMix64(seed: 7)
        for sample in accept {
            var scalars = Array(sample.unicodeScalars)
            for _ in 0..<30 {
                let i = Int.random(in: 0...scalars.count, using: &rng)
                let c: Unicode.Scalar = ["a", "1", " ", "\"", "}", "\n", "é", ".", "x"].randomElement(using: &rng)!
                if i < scalars.count, Bool.random(using: &rng) { scalars[i] = c } else { scalars.insert(c, at: i) }
                var mutated = String.UnicodeScalarView()
                mutated.append(contentsOf: scalars)
                let m = String(mutated)
                #expect(try Self.drive(compiled, m) == Recognizer.accepts(grammar, m), "mutation \(m.debugDescription)")
            }
        }
    }

    /// Feeds `text` one byte at a time (so multi-byte characters arrive split).
    static func drive(_ grammar: CompiledGrammar, _ text: String) throws -> Bool {
        var matcher = try GrammarMatcher(grammar)
        for byte in text.utf8 {
            guard try matcher.accept(bytes: [byte]) else { return false }
        }
        return matcher.isComplete
    }

    @Test(arguments: Fixtures.all.map(\.0))
    func maskAgreesWithBruteForce(name: String) throws {
        let compiled = try CompiledGrammar(gbnf: Fixtures.all.first { $0.0 == name }!.1)
        let (tokens, eog) = syntheticVocabulary()
        let vocabulary = TokenVocabulary(tokens: tokens, endOfGeneration: [eog])
        var rng = SplitMix64(seed: 11)
        var matcher = try GrammarMatcher(compiled)
        for _ in 0..<40 {
            let mask = try matcher.allowedTokens(in: vocabulary)
            for id in tokens.indices {
                var copy = matcher
                let expected = try id == eog ? matcher.isComplete : (!tokens[id].isEmpty && copy.accept(bytes: tokens[id]))
                #expect(mask.contains(id) == expected, "token \(id) \(String(decoding: tokens[id], as: UTF8.self).debugDescription)")
            }
            let choices = mask.allowedTokenIDs.filter { $0 != eog }
            guard let next = choices.randomElement(using: &rng) else { break }
            #expect(try matcher.accept(token: next, in: vocabulary))
        }
    }

    @Test(arguments: Fixtures.all.map(\.0))
    func randomGenerationSatisfiesRecognizer(name: String) throws {
        let grammar = try Grammar(gbnf: Fixtures.all.first { $0.0 == name }!.1)
        let start = try GrammarMatcher(CompiledGrammar(grammar))
        let (tokens, eog) = syntheticVocabulary()
        let vocabulary = TokenVocabulary(tokens: tokens, endOfGeneration: [eog])
        var rng = SplitMix64(seed: 2026)
        var completed = 0
        for _ in 0..<20 {
            guard let text = try generate(start, vocabulary: vocabulary, rng: &rng) else { continue }
            completed += 1
            #expect(Recognizer.accepts(grammar, text), "generated \(text.debugDescription)")
        }
        #expect(completed >= 15)
    }

    @Test func partialUTF8AcrossTokens() throws {
        var matcher = try GrammarMatcher(gbnf: "root ::= \"é\" [中-中]")
        #expect(try matcher.accept(bytes: [0xC3]))
        #expect(!matcher.isComplete)
        #expect(try !matcher.accept(bytes: [0x41]))   // not a continuation byte
        #expect(try matcher.accept(bytes: [0xA9, 0xE4]))
        #expect(try matcher.accept(bytes: [0xB8, 0xAD]))
        #expect(matcher.isComplete)
        // A lead byte whose characters the grammar cannot match is rejected at once.
        var other = try GrammarMatcher(gbnf: "root ::= \"é\"")
        #expect(try !other.accept(bytes: [0xE4]))
        // Lead bytes whose only completions would be overlong encodings of ASCII, or past
        // U+10FFFF, are rejected at once too (not after the next byte, with no way on).
        var ascii = try GrammarMatcher(gbnf: "root ::= \"}\"")
        #expect(try !ascii.accept(bytes: [0xE0]))
        #expect(try !ascii.accept(bytes: [0xF0]))
        var high = try GrammarMatcher(gbnf: "root ::= [\\U0010FFF0-\\U0010FFFF]")
        #expect(try !high.accept(bytes: [0xF4, 0x90]))
        #expect(try high.accept(bytes: [0xF4, 0x8F]))
    }

    @Test func endOfGenerationOnlyWhenComplete() throws {
        let vocabulary = TokenVocabulary(tokens: [Array("a".utf8), [], Array("<eos>".utf8), Array("b".utf8)], endOfGeneration: [2], control: [3])
        var matcher = try GrammarMatcher(gbnf: "root ::= \"a\"+ | \"b\"")
        #expect(try matcher.allowedTokens(in: vocabulary).allowedTokenIDs == [0])
        #expect(try matcher.accept(token: 0, in: vocabulary))
        #expect(try matcher.allowedTokens(in: vocabulary).allowedTokenIDs == [0, 2])
        #expect(try matcher.accept(token: 2, in: vocabulary))
        #expect(matcher.isFinished)
        #expect(try matcher.allowedTokens(in: vocabulary).allowedCount == 0)
    }
}
