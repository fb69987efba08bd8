import FixtureSupport
import Foundation
import Testing

/// The C API through its two examples: `Examples/c` compiled by `cc`, and `Examples/python`
/// through ctypes. Both must print what `llama-swift` prints, stop from the callback, and get
/// errors rather than crash.
@Suite(.requires(CExample.library != nil, CExample.missingLibrary), .fixtures("stories260K.gguf"))
struct CAPITests {
    static let prompt = "Once upon a time"

    /// What `llama-swift` prints for 32 greedy tokens.
    private func cliText(_ model: String) throws -> String {
        let result = try Tool.run("llama-swift", ["-m", model, "-p", Self.prompt, "-n", "32", "--temp", "0", "-t", "1"])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    private func python(_ arguments: [String]) throws -> Tool.Result {
        try Tool.run(
            program: URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", Fixtures.packageRoot.appendingPathComponent("Examples/python/llama_swift_example.py").path] + arguments,
            environment: ["LLAMA_SWIFT_C_LIBRARY": try CExample.requireLibrary()])
    }

    private func c(_ arguments: [String]) throws -> Tool.Result {
        try Tool.run(program: URL(fileURLWithPath: try CExample.program()), arguments)
    }

    @Test func cProgramPrintsWhatTheCLIPrints() throws {
        let model = try Fixtures.path("stories260K.gguf")
        let expected = try cliText(model)
        let result = try c(["generate", model, Self.prompt, "32"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == expected)
        #expect(expected.count > Self.prompt.count)
    }

    @Test func pythonPrintsWhatTheCLIPrints() throws {
        let model = try Fixtures.path("stories260K.gguf")
        let result = try python(["generate", model, Self.prompt, "32"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try cliText(model)))
    }

    @Test(arguments: ["c", "python"])
    func theCallbackStopsGeneration(language: String) throws {
        let model = try Fixtures.path("stories260K.gguf")
        let arguments = ["cancel", model, Self.prompt, "5"]
        let result = language == "c" ? try c(arguments) : try python(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("stopped after 5 pieces"), "\(result.stderr)")
        let full = try cliText(model)
        let cut = String(result.stdout.dropLast())
        #expect(!cut.isEmpty && full.hasPrefix(cut) && cut.count < full.count - 1, "\(cut) / \(full)")
    }

    @Test(arguments: ["c", "python"])
    func badInputGetsErrorsNotCrashes(language: String) throws {
        let model = try Fixtures.path("stories260K.gguf")
        let result = language == "c" ? try c(["errors", model]) : try python(["errors", model])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        var expected = [
            "missing file: model file not found: /nonexistent/model.gguf",
            "malformed JSON: config_json: not valid JSON",
            "NULL model: the model handle is NULL",
            "NULL session: the session handle is NULL",
            "malformed parameters: parameters_json: not valid JSON",
            "freed session: ",
        ]
        if language == "c" {
            expected += [
                "unknown key: config_json: key 'modle': unknown key",
                "NULL config: config_json is NULL",
                "foreign handle: ",
                "parameter out of range: parameters_json: key 'top_p'",
                "malformed messages: messages_json[0].role: must be a string",
                "freed model: ",
            ]
        }
        for line in expected {
            #expect(result.stdout.contains(line), "\(line) in \(result.stdout)")
        }
        #expect(result.stdout.components(separatedBy: "is not a live session handle").count - 1 == (language == "c" ? 3 : 1))
    }

    @Test func tokensRoundTripAndStateIsRestored() throws {
        let model = try Fixtures.path("stories260K.gguf")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("c-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let result = try c(["roundtrip", model, Self.prompt, state])
        #expect(result.status == 0, "\(result.stderr)")
        let tokens = try Tool.run("llama-swift", ["tokenize", "-m", model, "-p", Self.prompt, "--json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(tokens.stdout.utf8)) as? [Any])
        #expect(result.stdout.contains("tokens \(ids.count), text \"\(Self.prompt)\""), "\(result.stdout) / \(tokens.stdout)")
        // The prompt's tokens and the 8 generated, less the last, whose keys are not yet cached.
        #expect(result.stdout.contains("restored \(ids.count + 7) tokens"), "\(result.stdout)")
    }
}
