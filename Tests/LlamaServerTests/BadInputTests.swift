import Foundation
import LlamaServer
import Testing

@Suite("Bad requests get OpenAI-style 4xx errors and the server keeps serving")
struct BadInputTests {
    /// Sends `body` raw and checks the status and the error object's fields.
    func expectError(
        _ client: TestClient, _ path: String, body: Data, status: Int, param: String? = nil, code: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let answer = try await client.send("POST", path, body: body)
        #expect(answer.status == status, sourceLocation: sourceLocation)
        let json = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
        let error = try #require(json?.error, "\(path) answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect((error["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(error["type"] is String, sourceLocation: sourceLocation)
        #expect(error.keys.contains("param") && error.keys.contains("code"), sourceLocation: sourceLocation)
        if let param { #expect(error["param"] as? String == param, sourceLocation: sourceLocation) }
        if let code { #expect(error["code"] as? String == code, sourceLocation: sourceLocation) }
    }

    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test("malformed JSON, wrong types, missing fields, bad values, unknown model, too large")
    func errors() async throws {
        try await withTestServer(engine: FakeEngine(contextSize: 8), configure: { $0.maxBodyBytes = 4096 }) { client in
            let completions = "/v1/completions"
            try await expectError(client, completions, body: Data("{\"prompt\": ".utf8), status: 400)
            try await expectError(client, completions, body: Data("[1, 2]".utf8), status: 400)
            try await expectError(client, completions, body: try json(["prompt": "a", "max_tokens": "ten"]), status: 400, param: "max_tokens")
            try await expectError(client, completions, body: try json(["prompt": 12]), status: 400, param: "prompt")
            try await expectError(client, completions, body: try json(["max_tokens": 3]), status: 400, param: "prompt")
            try await expectError(client, completions, body: try json(["prompt": "a", "max_tokens": -1]), status: 400, param: "max_tokens")
            try await expectError(client, completions, body: try json(["prompt": "a", "max_tokens": 100]), status: 400, param: "max_tokens")
            try await expectError(client, completions, body: try json(["prompt": "a", "n": 2]), status: 400, param: "n")
            try await expectError(client, completions, body: try json(["prompt": "a", "temperature": 3]), status: 400, param: "temperature")
            try await expectError(client, completions, body: try json(["prompt": "a", "stop": [1]]), status: 400, param: "stop")
            try await expectError(client, completions, body: try json(["prompt": "a", "model": 9]), status: 400, param: "model")
            try await expectError(client, completions, body: try json(["prompt": "a", "top_k": -1]), status: 400, param: "top_k")
            try await expectError(client, completions, body: try json(["prompt": "a", "top_k": "many"]), status: 400, param: "top_k")
            try await expectError(client, completions, body: try json(["prompt": "a", "min_p": 1.5]), status: 400, param: "min_p")
            try await expectError(client, completions, body: try json(["prompt": "a", "repeat_penalty": 0]), status: 400, param: "repeat_penalty")
            try await expectError(client, completions, body: try json(["prompt": "a", "repeat_last_n": -2]), status: 400, param: "repeat_last_n")
            try await expectError(
                client, completions, body: try json(["prompt": "1 2 3 4 5 6 7 8 9"]), status: 400, code: "context_length_exceeded")
            try await expectError(
                client, completions, body: try json(["prompt": String(repeating: "x", count: 5000)]), status: 413)
            let chat = "/v1/chat/completions"
            try await expectError(client, chat, body: try json(["messages": "hi"]), status: 400, param: "messages")
            try await expectError(client, chat, body: try json(["messages": [["role": "user"]]]), status: 400, param: "messages[0].content")
            try await expectError(client, chat, body: try json(["messages": [] as [Any]]), status: 400, param: "messages")
            try await expectError(client, "/v1/nothing", body: try json([:]), status: 404)

            // Structured output the engine cannot enforce is refused, never answered as free text.
            let notSchema: [String: Any] = ["type": "json_schema", "json_schema": ["name": "x", "schema": ["properties": ["a": ["not": [:] as [String: Any]]]]]]
            try await expectError(client, chat, body: try json(["messages": [["role": "user", "content": "hi"]], "response_format": notSchema]),
                                  status: 400, param: "response_format")
            try await expectError(client, chat, body: try json(["messages": [["role": "user", "content": "hi"]], "response_format": ["type": "yaml"]]),
                                  status: 400, param: "response_format.type")
            try await expectError(client, completions, body: try json(["prompt": "a", "grammar": "root ::= ("]), status: 400, param: "grammar")

            let (status, answer) = try await client.post(completions, ["prompt": "still alive", "max_tokens": 2])
            #expect(status == 200)
            #expect(answer.firstChoice?["text"] as? String == "alive still ")
        }
    }
}
