import Dispatch
import FixtureSupport
import Foundation
import LlamaServer
import LlamaSwift
import Testing

/// The `openai` Python package as the client of a server over SmolLM2: structured output and
/// tool-call round trips, plain and streamed (`Scripts/openai-client-check.py`).
@Suite struct OpenAIClientTests {
    static let model = "SmolLM2-135M-Instruct.Q4_1.gguf"

    @Test("the openai client gets schema-valid JSON and tool calls it can answer", .fixtures(model), .python("openai", "jsonschema"))
    func openAIClient() async throws {
        try Python.require(["openai", "jsonschema"])
        let script = Fixtures.packageRoot.appendingPathComponent("Scripts/openai-client-check.py").path
        let llama = try LlamaModel(path: try Fixtures.path(Self.model), threads: 2)
        let engine = LlamaEngine(session: try llama.makeSession(contextSize: 2048), name: "smollm2")
        let output = try await withTestServer(engine: engine) { client in
            try await Self.runPython(script, arguments: ["http://127.0.0.1:\(client.port)/v1"])
        }
        print(output)
        #expect(output.hasSuffix("all ok\n"))
    }

    /// Runs a Python script off the cooperative threads, which the server's generations need.
    static func runPython(_ script: String, arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let source = try String(contentsOfFile: script, encoding: .utf8)
                    continuation.resume(returning: try Python.run(source, arguments: arguments))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
