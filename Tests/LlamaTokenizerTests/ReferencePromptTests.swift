import Foundation
import FixtureSupport
import Testing
@testable import LlamaTokenizer

/// The prompt tokens llama.cpp produced for the reference models (`reference/*.json`), with
/// BOS as each model asks and special-token parsing as each file says.
@Suite struct ReferencePromptTests {
    static let models: [(reference: String, model: String)] = [
        ("stories260K.json", "stories260K.gguf"),
        ("tiny-llama2-Q4_0.json", "synthetic/tiny-llama2-Q4_0.gguf"),
        ("tiny-llama2-Q5_K_M.json", "synthetic/tiny-llama2-Q5_K_M.gguf"),
        ("tiny-llama2-Q6_K.json", "synthetic/tiny-llama2-Q6_K.gguf"),
        ("tiny-llama3-Q4_0.json", "synthetic/tiny-llama3-Q4_0.gguf"),
        ("smollm2-135m-instruct-q4_1.json", TestTokenizers.smolLM2),
    ]

    @Test(.fixtures(models.flatMap { ["reference/\($0.reference)", $0.model] }), arguments: models.map(\.reference))
    func promptTokensMatchLlamaCpp(reference: String) throws {
        let model = Self.models.first { $0.reference == reference }!.model
        let json = try #require(try Fixtures.jsonObject("reference/\(reference)") as? [String: Any])
        let tokenizer = try TestTokenizers.load(model)
        let parseSpecial = try #require(json["parse_special"] as? Bool)
        let cases = try #require(json["cases"] as? [[String: Any]])
        #expect(!cases.isEmpty)
        for entry in cases {
            let prompt = try #require(entry["prompt"] as? String)
            let expected = try #require(entry["tokens"] as? [Int])
            #expect(tokenizer.encode(prompt, parseSpecial: parseSpecial) == expected, "prompt \(prompt.debugDescription)")
            if !parseSpecial {
                #expect(tokenizer.decode(expected) == prompt)
            }
        }
    }
}
