// Times the allowed-token mask over a synthetic 128k vocabulary under JSON grammars.
//
//   swift run -c release grammar-bench
import LlamaGrammar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// A deterministic generator (SplitMix64), so every run times the same vocabulary.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// About 128k distinct tokens shaped like a BPE vocabulary's: word pieces with and without a
/// leading space or capital, digits, punctuation runs, JSON fragments, whitespace runs,
/// accented and CJK text, and lone bytes (including halves of multi-byte characters).
func syntheticVocabulary(size: Int) -> [[UInt8]] {
    var rng = SplitMix(state: 42)
    var seen = Set<[UInt8]>()
    var tokens: [[UInt8]] = []
    func add(_ bytes: [UInt8]) {
        if !bytes.isEmpty, seen.insert(bytes).inserted { tokens.append(bytes) }
    }
    for b in 0...255 { add([UInt8(b)]) }
    for fragment in ["{", "}", "[", "]", "\":", "\": \"", "\",", "\", \"", "},", "}}", "]}", "{\"", "[{", "\n", "\n  ", "\n    ", "  ", "    ", "\t", "true", "false", "null", " true", " null", "\\n", "\\\"", "\\u"] {
        add(Array(fragment.utf8))
    }
    let onsets = ["", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v", "w", "y", "z", "st", "tr", "ch", "sh", "th", "pl", "gr", "br"]
    let vowels = ["a", "e", "i", "o", "u", "ou", "ea", "io", "y", "é", "ü"]
    let codas = ["", "n", "r", "s", "t", "l", "nd", "ng", "st", "ck", "m", "x", "ght"]
    let extra = ["中", "文", "日本", "語", "한", "🙂", "—", "…", "’"]
    while tokens.count < size {
        let kind = rng.below(20)
        var word = ""
        switch kind {
        case 0: word = String(rng.below(1000))
        case 1: word = String(repeating: ["!", "?", ".", ",", ";", "-", "=", "*", "/"][rng.below(9)], count: 1 + rng.below(3))
        case 2: word = extra[rng.below(extra.count)] + (rng.below(2) == 0 ? extra[rng.below(extra.count)] : "")
        default:
            for _ in 0..<(1 + rng.below(3)) {
                word += onsets[rng.below(onsets.count)] + vowels[rng.below(vowels.count)] + codas[rng.below(codas.count)]
            }
        }
        if rng.below(3) == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
        if rng.below(2) == 0 { word = " " + word }
        add(Array(word.utf8))
    }
    return Array(tokens.prefix(size))
}

let size = 128_256
let start = now()
let tokens = syntheticVocabulary(size: size)
let vocabulary = TokenVocabulary(tokens: tokens, endOfGeneration: [size - 1])
print("vocabulary: \(tokens.count) tokens, \(vocabulary.nodeCount) trie nodes, built in \(String(format1: (now() - start) * 1000)) ms")

extension String {
    init(format1 value: Double) {
        let scaled = (value * 100).rounded() / 100
        self = "\(scaled)"
    }
}

/// Times masks at each prefix of `text` under `matcher`: the first (cold) mask and the mean of
/// repeated (warm) ones.
func bench(_ name: String, _ gbnfMatcher: GrammarMatcher, prefixes: [String]) throws {
    for prefix in prefixes {
        var matcher = gbnfMatcher
        guard try matcher.accept(prefix) else { print("\(name): prefix \(prefix.debugDescription) rejected"); continue }
        let cold0 = now()
        let first = try matcher.allowedTokens(in: vocabulary)
        let cold = now() - cold0
        let rounds = 50
        let warm0 = now()
        var allowed = 0
        for _ in 0..<rounds { allowed = try matcher.allowedTokens(in: vocabulary).allowedCount }
        let warm = (now() - warm0) / Double(rounds)
        precondition(allowed == first.allowedCount)
        print("\(name) after \(prefix.debugDescription): \(allowed) allowed, cold \(String(format1: cold * 1000)) ms, warm \(String(format1: warm * 1000)) ms per mask")
    }
}

do {
    let json = try GrammarMatcher(CompiledGrammar(Grammar.anyJSONObject))
    try bench("any JSON object", json, prefixes: ["", "{", "{\"na", "{\"name\": ", "{\"name\": \"Al", "{\"a\": [1, 2", "{\"a\": {\"b\": tr"])
    let schema = """
    {"type": "object", "properties": {"name": {"type": "string", "maxLength": 40}, "age": {"type": "integer", "minimum": 0, "maximum": 150},
     "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}, "maxItems": 5}}, "required": ["name", "age"]}
    """
    let schemaMatcher = try GrammarMatcher(jsonSchema: schema)
    try bench("schema", schemaMatcher, prefixes: ["", "{\"name\": \"Bo", "{\"name\": \"Bo\", \"age\": 4"])
} catch {
    print("error: \(error)")
}
