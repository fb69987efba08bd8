import FixtureSupport
import Foundation
import LlamaServer
import LlamaSwift
import Testing

@Suite("A chat template that raises answers 400 with its message")
struct ChatTemplateErrorTests {
    @Test(.fixtures("stories260K.gguf")) func raisingTemplateGives400() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let template = try model.chatTemplate(jinja: """
            {%- for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported here') }}{% endif %}{{ m.content }}{% endfor %}
            """)
        let engine = LlamaEngine(session: try model.makeSession(), name: "stories260K", template: template)
        try await withTestServer(engine: engine) { client in
            let bad: [String: Any] = ["messages": [["role": "system", "content": "x"], ["role": "user", "content": "hi"]], "max_tokens": 2]
            let (status, json) = try await client.post("/v1/chat/completions", bad)
            #expect(status == 400)
            let error = try #require(json.error)
            #expect(error["message"] as? String == "System role not supported here")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] as? String == "messages")
            // The same template renders a conversation it accepts, and the server keeps serving.
            let good: [String: Any] = ["messages": [["role": "user", "content": "Once upon a time"]], "max_tokens": 2, "temperature": 0]
            let (okStatus, _) = try await client.post("/v1/chat/completions", good)
            #expect(okStatus == 200)
        }
    }
}
