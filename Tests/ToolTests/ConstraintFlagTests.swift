import FixtureSupport
import Foundation
import Testing

/// `--json-schema @FILE` and `--grammar`: stdout carries only the constrained text, so it pipes
/// into a JSON reader; bad grammars fail before the model loads, naming the flag.
@Suite struct ConstraintFlagTests {
    @Test(.fixtures("stories260K.gguf")) func schemaOutputIsJSONOnStdout() throws {
        let schema = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID()).json").path
        try #"{"type": "object", "properties": {"n": {"type": "integer"}, "ok": {"type": "boolean"}}, "required": ["n", "ok"], "additionalProperties": false}"#
            .write(toFile: schema, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: schema) }
        let stories = try Fixtures.path("stories260K.gguf")
        let result = try Tool.run("llama-swift", ["-m", stories, "-p", "Once", "-n", "60", "--seed", "3", "--json-schema", "@" + schema])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["n"] is Int && object?["ok"] is Bool, "stdout: \(result.stdout)")
    }

    @Test(.fixtures("stories260K.gguf")) func badConstraintsFailBeforeLoading() throws {
        let stories = try Fixtures.path("stories260K.gguf")
        let grammar = try Tool.run("llama-swift", ["-m", stories, "-p", "Once", "--grammar", "root ::= foo"])
        #expect(grammar.status != 0 && grammar.stderr.contains("--grammar"), "\(grammar.stderr)")
        let both = try Tool.run("llama-swift", ["-m", stories, "-p", "Once", "--grammar", "root ::= \"a\"", "--json-schema", "{}"])
        #expect(both.status != 0 && both.stderr.contains("not several"), "\(both.stderr)")
        let missing = try Tool.run("llama-swift", ["-m", stories, "-p", "Once", "--json-schema-file", "/nonexistent/s.json"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/s.json"), "\(missing.stderr)")
    }
}
