import Foundation
import LlamaServer
import Testing

@Suite("OpenAI endpoints over a fake engine")
struct EndpointTests {
    @Test("a completion answers the engine's text with usage and finish_reason")
    func completion() async throws {
        let prompt = "one two three four five"
        try await withTestServer(engine: FakeEngine()) { client in
            let (status, json) = try await client.post("/v1/completions", ["model": "fake-model", "prompt": prompt, "max_tokens": 3])
            #expect(status == 200)
            let expected = FakeEngine.answer(.text(prompt), maxTokens: 3)
            #expect(json["object"] as? String == "text_completion")
            #expect(json["model"] as? String == "fake-model")
            #expect(json.firstChoice?["text"] as? String == expected.text)
            #expect(json.firstChoice?["finish_reason"] as? String == "length")
            let usage = json["usage"] as? [String: Int]
            #expect(usage == ["prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8])
        }
    }

    @Test("any model name is served by the loaded model, which the answer names")
    func anyModelName() async throws {
        try await withTestServer(engine: FakeEngine()) { client in
            let (status, json) = try await client.post("/v1/completions", ["model": "gpt-4o-mini", "prompt": "a b", "max_tokens": 2])
            #expect(status == 200)
            #expect(json["model"] as? String == "fake-model")
            #expect(json.firstChoice?["text"] as? String == "b a ")
        }
    }

    @Test("llama.cpp's sampling fields reach the engine; unset ones keep llama.cpp's server defaults")
    func samplingFields() async throws {
        let engine = FakeEngine()
        try await withTestServer(engine: engine) { client in
            let body: [String: Any] = [
                "prompt": "a b", "max_tokens": 2, "top_k": 5, "min_p": 0.2, "repeat_penalty": 1.3, "repeat_last_n": 16,
                "user": "someone", "unknown_field": [1, 2],
            ]
            let (status, _) = try await client.post("/v1/completions", body)
            #expect(status == 200)
            let sent = try #require(engine.lastParameters.withLock { $0 })
            #expect(sent.topK == 5)
            #expect(sent.minP == Float(0.2))
            #expect(sent.repeatPenalty == Float(1.3))
            #expect(sent.repeatLastN == 16)
            _ = try await client.post("/v1/completions", ["prompt": "a b", "max_tokens": 2])
            let defaults = try #require(engine.lastParameters.withLock { $0 })
            #expect(defaults.topK == 40 && defaults.minP == Float(0.05) && defaults.repeatPenalty == 1 && defaults.repeatLastN == 64)
        }
    }

    @Test("a completion that ends on its own reports finish_reason stop; prompt may be a one-string array")
    func completionStops() async throws {
        try await withTestServer(engine: FakeEngine()) { client in
            let (status, json) = try await client.post("/v1/completions", ["prompt": ["a b"], "max_tokens": 10])
            #expect(status == 200)
            #expect(json.firstChoice?["text"] as? String == "b a ")
            #expect(json.firstChoice?["finish_reason"] as? String == "stop")
        }
    }

    @Test("a chat completion answers as the assistant")
    func chat() async throws {
        let messages = [["role": "system", "content": "be brief"], ["role": "user", "content": "hello there"]]
        try await withTestServer(engine: FakeEngine()) { client in
            let (status, json) = try await client.post("/v1/chat/completions", ["messages": messages, "max_tokens": 20])
            #expect(status == 200)
            let turns = messages.map { ChatTurn(role: $0["role"]!, content: $0["content"]!) }
            let expected = FakeEngine.answer(.chat(turns), maxTokens: 20)
            #expect(json["object"] as? String == "chat.completion")
            let message = json.firstChoice?["message"] as? [String: String]
            #expect(message == ["role": "assistant", "content": expected.text])
            #expect((json["usage"] as? [String: Int])?["prompt_tokens"] == 6)
        }
    }

    @Test("streamed completions and chats carry the same text as server-sent events, then [DONE]")
    func streams() async throws {
        let prompt = "the quick brown fox jumps"
        try await withTestServer(engine: FakeEngine()) { client in
            let completion = try await client.stream(
                "/v1/completions", ["prompt": prompt, "max_tokens": 4, "stream_options": ["include_usage": true]])
            #expect(completion.status == 200)
            #expect(completion.done)
            let texts = completion.events.compactMap { $0.firstChoice?["text"] as? String }
            #expect(texts.joined() == FakeEngine.answer(.text(prompt), maxTokens: 4).text)
            #expect(completion.events.compactMap { $0.firstChoice?["finish_reason"] as? String } == ["length"])
            #expect((completion.events.last?["usage"] as? [String: Int])?["completion_tokens"] == 4)

            let chat = try await client.stream("/v1/chat/completions", ["messages": [["role": "user", "content": prompt]]])
            #expect(chat.done)
            let deltas = chat.events.compactMap { $0.firstChoice?["delta"] as? [String: String] }
            #expect(deltas.first?["role"] == "assistant")
            let content = deltas.compactMap { $0["content"] }.joined()
            #expect(content == FakeEngine.answer(.chat([ChatTurn(role: "user", content: prompt)]), maxTokens: 64).text)
            #expect(chat.events.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            #expect(chat.events.last?.firstChoice?["finish_reason"] as? String == "stop")
        }
    }

    @Test("an engine failure is a 500 error, or mid-stream an error event before [DONE]")
    func engineFailure() async throws {
        try await withTestServer(engine: FakeEngine()) { client in
            let whole = try await client.post("/v1/completions", ["prompt": "[fail] after this"])
            #expect(whole.status == 500)
            #expect(whole.json.error?["type"] as? String == "server_error")
            let streamed = try await client.stream("/v1/completions", ["prompt": "[fail] after this"])
            #expect(streamed.status == 200)
            #expect(streamed.done)
            let texts = streamed.events.compactMap { $0.firstChoice?["text"] as? String }
            #expect(texts.joined() == "this after ")
            #expect(streamed.events.last?.error?["type"] as? String == "server_error")
            #expect(try await client.send("GET", "/health").status == 200)
        }
    }

    @Test("models and health")
    func modelsAndHealth() async throws {
        try await withTestServer(engine: FakeEngine()) { client in
            let models = try await client.send("GET", "/v1/models")
            #expect(models.status == 200)
            let list = try JSONSerialization.jsonObject(with: models.body) as? [String: Any]
            #expect((list?["data"] as? [[String: Any]])?.first?["id"] as? String == "fake-model")
            let health = try await client.send("GET", "/health")
            #expect(health.status == 200)
            #expect((try JSONSerialization.jsonObject(with: health.body) as? [String: Any])?["status"] as? String == "ok")
        }
    }
}
