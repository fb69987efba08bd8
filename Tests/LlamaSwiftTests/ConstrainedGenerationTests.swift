import FixtureSupport
import Foundation
import LlamaSwift
import Testing

/// Generation under ``OutputConstraint``s, checked by this test's own reading of the output
/// (Foundation's JSON parser, plain string checks), not by the grammar engine.
@Suite(.serialized) struct ConstrainedGenerationTests {
    static let model = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The text SmolLM2 answers `prompt` with under `constraint`.
    func generate(
        _ prompt: String, _ constraint: OutputConstraint, seed: UInt64, temperature: Float = 1, maxTokens: Int = 160
    ) async throws -> String {
        try await generateCounting(prompt, constraint, seed: seed, temperature: temperature, maxTokens: maxTokens).0
    }

    /// The text, and whether generation ended before `maxTokens`.
    func generateCounting(
        _ prompt: String, _ constraint: OutputConstraint, seed: UInt64, temperature: Float, maxTokens: Int
    ) async throws -> (String, Bool) {
        let model = try LlamaModel(path: try Fixtures.path(Self.model), threads: 2)
        let session = try model.makeSession(contextSize: 512)
        var parameters = GenerationParameters()
        parameters.temperature = temperature
        parameters.seed = seed
        parameters.maxTokens = maxTokens
        parameters.constraint = constraint
        var text = ""
        for try await piece in session.chat(messages: [.user(prompt)], parameters: parameters) { text += piece }
        return (text, await session.statistics.generatedTokens < maxTokens)
    }

    /// A schema with a bounded string, an integer range, an enum and an optional array: every
    /// seeded draw at temperature 1 is a JSON object with exactly those fields and types.
    @Test(.fixtures(model)) func jsonSchemaOutputsValidate() async throws {
        let schema = """
            {"type": "object", "properties": {
              "name": {"type": "string", "minLength": 1, "maxLength": 12},
              "age": {"type": "integer", "minimum": 0, "maximum": 120},
              "colour": {"enum": ["red", "green", "blue"]},
              "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}, "maxItems": 3}},
             "required": ["name", "age", "colour"], "additionalProperties": false}
            """
        for seed in 1...5 as ClosedRange<UInt64> {
            let text = try await generate("Describe a person as JSON.", .jsonSchema(schema), seed: seed)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
            #expect(Set(object.keys).isSubset(of: ["name", "age", "colour", "tags"]), "\(text)")
            let name = try #require(object["name"] as? String, "\(text)")
            #expect((1...12).contains(name.count), "\(text)")
            let age = try #require(object["age"] as? Int, "\(text)")
            #expect((0...120).contains(age), "\(text)")
            #expect(["red", "green", "blue"].contains(object["colour"] as? String ?? ""), "\(text)")
            if let tags = object["tags"] {
                let list = try #require(tags as? [String], "\(text)")
                #expect(list.count <= 3 && list.allSatisfy { $0.count <= 8 }, "\(text)")
            }
        }
    }

    /// Any JSON object: a small model may loop inside an array until the token limit (two or
    /// three of these four seeds do at temperature 0.7, by build), so only the generations that
    /// ended by themselves are read, and one at least must end.
    @Test(.fixtures(model)) func jsonObjectOutputsParse() async throws {
        var ended = 0
        for seed in 1...4 as ClosedRange<UInt64> {
            let (text, complete) = try await generateCounting(
                "Give me a JSON object describing a cat.", .jsonObject, seed: seed, temperature: 0.7, maxTokens: 400)
            guard complete else { continue }
            ended += 1
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any], "\(text)")
        }
        #expect(ended >= 1, "none of 4 generations ended before the limit")
    }

    /// A GBNF grammar with two sentences: the answer is one of them, and generation stops there.
    @Test(.fixtures(model)) func grammarOutputIsASentence() async throws {
        let grammar = #"root ::= ("Yes" | "No") ", " [a-z]+ "."{0,1}"#
        for seed in 1...3 as ClosedRange<UInt64> {
            let text = try await generate("Is the sky blue?", .grammar(grammar), seed: seed)
            let parts = text.split(separator: ", ", maxSplits: 1).map(String.init)
            #expect(parts.count == 2 && ["Yes", "No"].contains(parts[0]), "\(text)")
            let word = parts.last.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? ""
            #expect(!word.isEmpty && word.allSatisfy { ("a"..."z").contains($0) }, "\(text)")
        }
    }

    /// Bad grammars and schemas are refused before anything is generated, naming the flag and the place.
    @Test func badConstraintsNameWhatIsWrong() throws {
        #expect {
            try OutputConstraint.grammar("root ::= (\"a\"").validate()
        } throws: { error in
            guard case LlamaError.invalidParameter(let name, _, let reason) = error else { return false }
            return name == "--grammar" && reason.contains("1")
        }
        #expect {
            try OutputConstraint.jsonSchema(#"{"properties": {"a": {"not": {}}}}"#).validate()
        } throws: { error in
            guard case LlamaError.invalidParameter(let name, _, let reason) = error else { return false }
            return name == "--json-schema" && reason.contains("/properties/a")
        }
    }
}
