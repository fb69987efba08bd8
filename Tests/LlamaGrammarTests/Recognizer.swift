import FixtureSupport
import LlamaGrammar
import Testing

/// An independent checker: a memoised set-of-end-positions recogniser that interprets the
/// parsed rules directly (it shares only the parser with the engine under test).
struct Recognizer {
    let grammar: Grammar
    private var memo: [String: [Int: Set<Int>]] = [:]
    private let input: [UInt32]

    /// With `prefixes`, the end of the input matches anything: a text is then accepted when some
    /// sentence starts with it.
    private let prefixes: Bool

    static func accepts(_ grammar: Grammar, _ text: String) -> Bool {
        var r = Recognizer(grammar: grammar, input: text.unicodeScalars.map(\.value), prefixes: false)
        return r.ends(rule: "root", from: 0).contains(r.input.count)
    }

    /// Whether some sentence of `grammar` starts with `text` (a generation cut at a token limit).
    static func acceptsPrefix(_ grammar: Grammar, _ text: String) -> Bool {
        var r = Recognizer(grammar: grammar, input: text.unicodeScalars.map(\.value), prefixes: true)
        return r.ends(rule: "root", from: 0).contains(r.input.count)
    }

    private init(grammar: Grammar, input: [UInt32], prefixes: Bool) {
        self.grammar = grammar
        self.input = input
        self.prefixes = prefixes
    }

    private mutating func ends(rule: String, from start: Int) -> Set<Int> {
        if let known = memo[rule]?[start] { return known }
        memo[rule, default: [:]][start] = []  // no left recursion in the grammars under test
        let result = ends(grammar[rule]!.body, from: [start])
        memo[rule]![start] = result
        return result
    }

    private mutating func ends(_ e: GrammarExpression, from starts: Set<Int>) -> Set<Int> {
        switch e {
        case .literal(let scalars):
            return Set(starts.compactMap { s in
                guard zip(scalars, input[s...]).allSatisfy({ $0.value == $1 }) else { return nil }
                if s + scalars.count <= input.count { return s + scalars.count }
                return prefixes ? input.count : nil
            })
        case .characterClass(let c):
            return Set(starts.compactMap { $0 < input.count ? (c.contains(input[$0]) ? $0 + 1 : nil) : (prefixes ? $0 : nil) })
        case .anyCharacter:
            return Set(starts.compactMap { $0 < input.count ? $0 + 1 : (prefixes ? $0 : nil) })
        case .reference(let name):
            var out = Set<Int>()
            for s in starts { out.formUnion(ends(rule: name, from: s)) }
            return out
        case .sequence(let parts):
            var current = starts
            for p in parts { current = ends(p, from: current) }
            return current
        case .alternatives(let choices):
            var out = Set<Int>()
            for c in choices { out.formUnion(ends(c, from: starts)) }
            return out
        case .repetition(let operand, let min, let max):
            var current = starts
            for _ in 0..<min { current = ends(operand, from: current) }
            var all = current
            var frontier = current
            var count = min
            while !frontier.isEmpty, max.map({ count < $0 }) ?? true {
                frontier = ends(operand, from: frontier).subtracting(all)
                all.formUnion(frontier)
                count += 1
            }
            return all
        }
    }
}

/// A synthetic vocabulary: every printable ASCII character, some multi-byte characters whole
/// and split into lone bytes, short multi-character pieces, and an end-of-generation token.
func syntheticVocabulary(extra: [String] = []) -> (tokens: [[UInt8]], eog: Int) {
    var tokens: [[UInt8]] = [[]]  // id 0: a control token with no text
    for b in 0x20...0x7E { tokens.append([UInt8(b)]) }
    tokens += ["\n", "\t", "é", "中", "🙂"].map { Array($0.utf8) }
    tokens += [[0xC3], [0xA9], [0xE4], [0xB8, 0xAD], [0xF0, 0x9F], [0x99, 0x82]]
    let pieces = ["{\"", "\":", "\": ", "\", \"", "\"}", "},", "[1", ", ", "true", "null", "false", "00", "12", "-3", ".5", "e1",
                  "ab", " a", "the", "\\n", "\\\"", "\\u00e9", "  ", "\n  ", "1. ", "e4", "Nf3", "O-O", "int ", "x = ", ";\n", "()", "+ "]
    tokens += (pieces + extra).map { Array($0.utf8) }
    tokens.append(Array("<eos>".utf8))
    return (tokens, tokens.count - 1)
}

/// Samples allowed tokens until the matcher completes and an end token is drawn. Tokens that
/// close structures are favoured more as the text grows, so generation ends.
func generate(_ start: GrammarMatcher, vocabulary: TokenVocabulary, rng: inout SplitMix64, maxSteps: Int = 3000) throws -> String? {
    var matcher = start
    var bytes: [UInt8] = []
    let closers = Set("\"]}),;\n".utf8)
    for step in 0..<maxSteps {
        let allowed = try matcher.allowedTokens(in: vocabulary).allowedTokenIDs
        guard !allowed.isEmpty else { return nil }
        let eog = vocabulary.endOfGeneration.first!
        if allowed.contains(eog), Int.random(in: 0..<4, using: &rng) == 0 { return String(decoding: bytes, as: UTF8.self) }
        var choice = allowed.randomElement(using: &rng)!
        if step > 20, Int.random(in: 0..<3, using: &rng) > 0 {
            let closing = allowed.filter { id in id == eog || vocabulary.bytes(of: id).contains { closers.contains($0) } }
            if let c = closing.randomElement(using: &rng) { choice = c }
        }
        if choice == eog {
            #expect(try matcher.accept(token: choice, in: vocabulary))
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(try matcher.accept(token: choice, in: vocabulary))
        bytes += vocabulary.bytes(of: choice)
    }
    return nil
}
