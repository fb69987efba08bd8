import FixtureSupport
import Foundation
import Jinja
import Testing

/// A seeded fuzz of the lexer, parser and evaluator: random mutations of real templates must
/// compile or fail with a ``JinjaError``, and render or fail likewise; never crash or hang.
@Suite struct ParserFuzzTests {
    /// The fixture's real templates where present, else the engine tests' expressions.
    static func corpus() -> [[Unicode.Scalar]] {
        if let folder = Fixtures.find("templates"),
           let names = try? FileManager.default.contentsOfDirectory(atPath: folder) {
            let texts = names.sorted().filter { $0.hasSuffix(".jinja") }.compactMap {
                try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)
            }
            if !texts.isEmpty { return texts.map { Array($0.unicodeScalars) } }
        }
        return EngineTests.jinja2Renders.map { Array($0.0.unicodeScalars) }
    }

    static let fragments: [String] = [
        "{%", "%}", "{{", "}}", "{#", "#}", "{%-", "-%}", "(", ")", "[", "]", "{", "}", "'", "\"", "|", ".", ",", ":",
        " if ", " else ", " endif ", " for x in ", " endfor ", " set ", " macro ", " endmacro ", " not ", " is ", " in ",
        "loop.", "x", "1", "-", "**", "//", "~", "[::-1]", "|tojson", "|join(", "namespace(", "range(", "\n", "\\",
    ]

    @Test func mutatedTemplatesNeverCrash() {
        var rng = SplitMix64(seed: 0x5EED_1234)
        let corpus = Self.corpus()
        let limits = Limits(maxOutputBytes: 1 << 16, maxLoopIterations: 2_000, maxListLength: 10_000, maxCallDepth: 16)
        let context: [String: Value] = [
            "messages": [["role": "system", "content": "s"], ["role": "user", "content": "u"], ["role": "assistant", "content": "a"]],
            "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>",
            "tools": [["type": "function", "function": ["name": "f", "parameters": ["type": "object"]]]],
        ]
        let start = ContinuousClock.now
        var compiled = 0
        var rendered = 0
        let iterations = 20_000
        for _ in 0..<iterations {
            let source = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            // A window of the template keeps each case small, so 20k cases take seconds.
            let length = min(source.count, Int.random(in: 40...400, using: &rng))
            let offset = Int.random(in: 0...(source.count - length), using: &rng)
            var text = Array(source[offset..<(offset + length)])
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = text.isEmpty ? 0 : Int.random(in: 0..<text.count, using: &rng)
                let span = text.isEmpty ? 0 : Int.random(in: 0...min(12, text.count - at), using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: text.removeSubrange(at..<(at + span))
                case 1: text.insert(contentsOf: text[at..<(at + span)], at: at)
                case 2: text.insert(contentsOf: Self.fragments.randomElement(using: &rng)!.unicodeScalars, at: at)
                default: if !text.isEmpty { text[at] = "{}%#()[]'\"|-".unicodeScalars.randomElement(using: &rng)! }
                }
            }
            let mutated = String(String.UnicodeScalarView(text))
            guard let template = try? Template(mutated, limits: limits) else { continue }
            compiled += 1
            if (try? template.render(context, limits: limits)) != nil { rendered += 1 }
        }
        let elapsed = ContinuousClock.now - start
        print("parser fuzz: \(iterations) mutations, \(compiled) compiled, \(rendered) rendered, in \(elapsed)")
        #expect(compiled > 0)
    }
}
