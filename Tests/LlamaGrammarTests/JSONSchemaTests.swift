import FixtureSupport
import LlamaGrammar
import Testing

/// JSON Schema conversion: seeded random generation under each schema must give JSON that an
/// independent parser reads and an independent validator accepts.
@Suite struct JSONSchemaTests {
    /// Schemas, each with an optional extra check for what the test validator does not cover (patterns).
    static let schemas: [(String, (@Sendable (String) -> Bool)?)] = [
        (##"{"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]}"##, nil),
        (##"{"type": "object", "properties": {"a": {"type": "boolean"}, "b": {"type": "null"}, "c": {"type": "number"}}}"##, nil),
        (##"{"type": "object", "properties": {"inner": {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "array", "items": {"type": "string", "maxLength": 3}}}, "required": ["x"]}}, "required": ["inner"]}"##, nil),
        (##"{"type": "array", "items": {"type": "integer", "minimum": -5, "maximum": 120}, "minItems": 1, "maxItems": 4}"##, nil),
        (##"{"enum": ["red", "green", "blue", 3, null, {"k": [1]}]}"##, nil),
        (##"{"type": "object", "properties": {"kind": {"const": "point"}, "xy": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": false}}, "required": ["kind", "xy"]}"##, nil),
        (##"{"$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"}, "next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}}, "required": ["v", "next"]}}, "$ref": "#/$defs/node"}"##, nil),
        (##"{"definitions": {"id": {"type": "string", "minLength": 2, "maxLength": 5}}, "type": "object", "properties": {"ids": {"type": "array", "items": {"$ref": "#/definitions/id"}, "maxItems": 3}}, "required": ["ids"]}"##, nil),
        (##"{"type": "string", "minLength": 3, "maxLength": 8}"##, nil),
        (##"{"type": "number", "minimum": 0, "maximum": 1}"##, nil),
        (##"{"type": "integer", "exclusiveMinimum": 10, "exclusiveMaximum": 1000}"##, nil),
        (##"{"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 4}, {"type": "array", "maxItems": 2, "items": {"type": "boolean"}}]}"##, nil),
        (##"{"type": ["string", "null"], "maxLength": 6}"##, nil),
        (##"{"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}"##, nil),
        (##"{"type": "object", "properties": {"d": {"type": "string", "format": "date"}, "u": {"type": "string", "format": "uuid"}}, "required": ["d", "u"]}"##, nil),
        (##"{"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}(x|yz)?$"}"##, { s in
            let c = Array(s.dropFirst().dropLast())
            guard c.count >= 6, c[0].isUppercase, c[1].isUppercase, c[2] == "-", c[3...5].allSatisfy(\.isNumber) else { return false }
            return ["", "x", "yz"].contains(String(c[6...]))
        }),
        (##"{"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}, {"properties": {"b": {"type": "boolean"}}, "required": ["b"]}]}"##, nil),
        (##"{"type": "object", "properties": {"q": {"type": "integer", "minimum": 1}, "r": {"type": "number", "maximum": -2.5}}, "required": ["q", "r"], "additionalProperties": false}"##, nil),
    ]

    @Test(arguments: schemas.indices)
    func generatedValuesValidate(index: Int) throws {
        let (text, extra) = Self.schemas[index]
        let schema = try #require(JParser.parse(text))
        let gbnf = try JSONSchemaGrammar.gbnf(forSchemaText: text)
        let start = try GrammarMatcher(CompiledGrammar(gbnf: gbnf))
        let (tokens, eog) = syntheticVocabulary(extra: ["red", "\"gr", "een\"", "point", "\"v\": ", "null}", "\"ids\"", "AB-", "123", "-0"])
        let vocabulary = TokenVocabulary(tokens: tokens, endOfGeneration: [eog])
        var rng = SplitMix64(seed: UInt64(100 + index))
        var completed = 0
        for _ in 0..<20 {
            guard let output = try generate(start, vocabulary: vocabulary, rng: &rng) else { continue }
            completed += 1
            let value = JParser.parse(output)
            #expect(value != nil, "not JSON: \(output.debugDescription)\n\(gbnf)")
            if let value {
                #expect(validates(value, schema, root: schema), "invalid for schema \(index): \(output.debugDescription)\n\(gbnf)")
            }
            if let extra { #expect(extra(output), "pattern check failed: \(output.debugDescription)") }
        }
        #expect(completed >= 15, "only \(completed) of 20 generations completed")
    }

    @Test func anyJSONObject() throws {
        let start = try GrammarMatcher(CompiledGrammar(Grammar.anyJSONObject))
        let (tokens, eog) = syntheticVocabulary()
        let vocabulary = TokenVocabulary(tokens: tokens, endOfGeneration: [eog])
        var rng = SplitMix64(seed: 5)
        for _ in 0..<20 {
            guard let output = try generate(start, vocabulary: vocabulary, rng: &rng) else { continue }
            guard case .object? = JParser.parse(output) else {
                Issue.record("not a JSON object: \(output.debugDescription)")
                continue
            }
        }
    }

    @Test func errorsNameTheSchemaPath() {
        #expect(throws: GrammarError.unsupportedSchema(path: "/properties/foo/not", reason: "unsupported keyword 'not'")) {
            try JSONSchemaGrammar.gbnf(forSchemaText: ##"{"properties": {"foo": {"not": {"type": "string"}}}}"##)
        }
        #expect(throws: GrammarError.unsupportedSchema(path: "/properties/p/pattern", reason: "unsupported pattern: lookaround or named group '(?'")) {
            try JSONSchemaGrammar.gbnf(forSchemaText: ##"{"properties": {"p": {"type": "string", "pattern": "^(?=a)b$"}}}"##)
        }
        #expect(throws: GrammarError.invalidSchema(path: "/$ref", reason: "'#/$defs/missing' does not resolve")) {
            try JSONSchemaGrammar.gbnf(forSchemaText: ##"{"$ref": "#/$defs/missing"}"##)
        }
        #expect(throws: GrammarError.invalidSchema(path: "/items/type", reason: "unknown type 'strin'")) {
            try JSONSchemaGrammar.gbnf(forSchemaText: ##"{"type": "array", "items": {"type": "strin"}}"##)
        }
        #expect(throws: GrammarError.invalidJSON("expected ',' or '}'", offset: 11)) {
            try JSONSchemaGrammar.gbnf(forSchemaText: ##"{"type": 1 2}"##)
        }
        #expect(throws: GrammarError.invalidSchema(path: "", reason: "the numeric bounds admit no value")) {
            try JSONSchemaGrammar.gbnf(forSchemaText: ##"{"type": "integer", "minimum": 5, "maximum": 4}"##)
        }
    }

    @Test func integerRangesAreExact() throws {
        let compiled = try CompiledGrammar(gbnf: JSONSchemaGrammar.gbnf(forSchemaText: ##"{"type": "integer", "minimum": -37, "maximum": 1250}"##))
        for n in -120...1400 {
            var matcher = try GrammarMatcher(compiled)
            let ok = try matcher.accept(String(n)) && matcher.isComplete
            #expect(ok == (-37...1250).contains(n), "\(n)")
        }
        var leadingZero = try GrammarMatcher(compiled)
        #expect(try !leadingZero.accept("012"))
    }
}
