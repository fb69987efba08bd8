import FixtureSupport
import Foundation
import LlamaSwift
import Testing

/// Fifteen JSON Schemas, twenty seeded SmolLM2 generations of each at temperature 1: every
/// output parses as JSON and Python's `jsonschema` (an implementation independent of ours)
/// accepts it. The schemas bound their strings and arrays, so every generation ends well
/// before the token limit.
@Suite(.serialized) struct JSONSchemaGenerationTests {
    static let model = "SmolLM2-135M-Instruct.Q4_1.gguf"
    static let seeds = 20

    /// (what the prompt asks for, schema).
    static let schemas: [(String, String)] = [
        ("a person", #"{"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 12}, "age": {"type": "integer", "minimum": 0, "maximum": 120}}, "required": ["name", "age"], "additionalProperties": false}"#),
        ("an address", #"{"type": "object", "properties": {"address": {"type": "object", "properties": {"street": {"type": "string", "maxLength": 20}, "city": {"type": "string", "maxLength": 12}, "zip": {"type": "string", "pattern": "^[0-9]{5}$"}}, "required": ["street", "city", "zip"], "additionalProperties": false}}, "required": ["address"], "additionalProperties": false}"#),
        ("some scores", #"{"type": "array", "items": {"type": "integer", "minimum": -50, "maximum": 50}, "minItems": 1, "maxItems": 5}"#),
        ("a traffic light", #"{"type": "object", "properties": {"colour": {"enum": ["red", "amber", "green"]}, "working": {"type": "boolean"}}, "required": ["colour", "working"], "additionalProperties": false}"#),
        ("a measurement", #"{"type": "object", "properties": {"unit": {"const": "kg"}, "value": {"type": "number"}, "count": {"type": "integer", "exclusiveMinimum": 0, "maximum": 1000}}, "required": ["unit", "value", "count"], "additionalProperties": false}"#),
        ("a line", ##"{"$defs": {"point": {"type": "object", "properties": {"x": {"type": "integer", "minimum": 0, "maximum": 99}, "y": {"type": "integer", "minimum": 0, "maximum": 99}}, "required": ["x", "y"], "additionalProperties": false}}, "type": "object", "properties": {"from": {"$ref": "#/$defs/point"}, "to": {"$ref": "#/$defs/point"}}, "required": ["from", "to"], "additionalProperties": false}"##),
        ("an identifier", #"{"type": "object", "properties": {"id": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 9999}, {"type": "string", "maxLength": 8}]}}, "required": ["id"], "additionalProperties": false}"#),
        ("a shape", #"{"oneOf": [{"type": "object", "properties": {"kind": {"const": "circle"}, "radius": {"type": "integer", "minimum": 1, "maximum": 10}}, "required": ["kind", "radius"], "additionalProperties": false}, {"type": "object", "properties": {"kind": {"const": "square"}, "side": {"type": "integer", "minimum": 1, "maximum": 10}}, "required": ["kind", "side"], "additionalProperties": false}]}"#),
        ("a profile", #"{"type": "object", "properties": {"nickname": {"type": "string", "maxLength": 10}, "email": {"type": "string", "maxLength": 24}, "verified": {"type": "boolean"}}, "required": ["nickname"], "additionalProperties": false}"#),
        ("an order", #"{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "integer", "minimum": 1, "maximum": 999}, "size": {"enum": ["S", "M", "L"]}}, "required": ["sku", "size"], "additionalProperties": false}, "minItems": 1, "maxItems": 3}}, "required": ["items"], "additionalProperties": false}"#),
        ("a code word", #"{"type": "object", "properties": {"word": {"type": "string", "minLength": 3, "maxLength": 6}}, "required": ["word"], "additionalProperties": false}"#),
        ("a middle name", #"{"type": "object", "properties": {"middle": {"type": ["string", "null"], "maxLength": 10}}, "required": ["middle"], "additionalProperties": false}"#),
        ("a small grid", #"{"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 9}, "minItems": 1, "maxItems": 3}, "minItems": 1, "maxItems": 3}"#),
        ("a list of pets", #"{"type": "array", "items": {"enum": ["cat", "dog", "fish", "bird"]}, "minItems": 2, "maxItems": 4}"#),
        ("a licence plate", #"{"type": "object", "properties": {"plate": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"}, "year": {"type": "integer", "minimum": 1990, "maximum": 2030}, "notes": {"type": "null"}}, "required": ["plate", "year"], "additionalProperties": false}"#),
    ]

    @Test("15 schemas × 20 seeds at temperature 1: all JSON, all valid by jsonschema", .fixtures(model), .python("jsonschema"))
    func seededGenerationsValidate() throws {
        try Python.require(["jsonschema"])
        let model = try LlamaModel(path: try Fixtures.path(Self.model), threads: 2)
        let decoder = try BatchedDecoder(model: model, sequences: Self.seeds, contextSize: 512)
        var records: [[String: Any]] = []
        for (index, (subject, schema)) in Self.schemas.enumerated() {
            let prompt = "Here is \(subject) as JSON:\n"
            let parameters = (1...Self.seeds).map { seed in
                var p = GenerationParameters()
                p.temperature = 1
                p.seed = UInt64(seed)
                p.maxTokens = 400
                p.constraint = .jsonSchema(schema)
                return p
            }
            let outputs = try decoder.generate(prompts: Array(repeating: prompt, count: Self.seeds), parameters: parameters)
            for (seed, text) in outputs.enumerated() {
                #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil,
                        "schema \(index) seed \(seed + 1): not JSON: \(text)")
                records.append(["schema": schema, "output": text, "label": "schema \(index) seed \(seed + 1)"])
            }
            #expect(Set(outputs).count > 1, "schema \(index): all 20 seeds gave the same output")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("schema-outputs-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: records).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let report = try Python.run("""
            import json, sys, jsonschema
            bad = 0
            records = json.load(open(sys.argv[1]))
            for r in records:
                try:
                    jsonschema.validate(json.loads(r["output"]), json.loads(r["schema"]))
                except Exception as e:
                    bad += 1
                    print(r["label"], "invalid:", r["output"], "|", str(e).splitlines()[0])
            print(len(records), "outputs,", bad, "invalid")
            """, arguments: [file.path])
        #expect(report.hasSuffix("\(Self.schemas.count * Self.seeds) outputs, 0 invalid\n"), "\(report)")
    }
}
