import FixtureSupport
import Foundation
import LlamaServer
import LlamaSwift
import LlamaTokenizer
import Testing

@Suite("The server over stories260K answers what the library generates")
struct RealModelTests {
    /// The library's greedy continuation of `prompt` (or of the chat `messages`), in a fresh session.
    func greedy(_ model: LlamaModel, prompt: String? = nil, messages: [ChatMessage] = [], maxTokens: Int) async throws -> String {
        let session = try model.makeSession()
        let stream = if let prompt { session.generate(prompt: prompt, parameters: .greedy(maxTokens: maxTokens)) }
            else { session.chat(messages: messages, parameters: .greedy(maxTokens: maxTokens)) }
        var text = ""
        for try await piece in stream { text += piece }
        return text
    }

    func engine(_ path: String, parallel: Int = 1) throws -> LlamaEngine {
        let model = try LlamaModel(path: path, threads: 1)
        return LlamaEngine(session: try model.makeSession(), name: "stories260K", sessions: parallel)
    }

    @Test("completions and chat completions, plain and streamed, equal greedy library output", .fixtures("stories260K.gguf"))
    func matchesLibrary() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let engine = try engine(path)
        let prompt = "Once upon a time, there was a little"
        let expectedText = try await greedy(engine.model, prompt: prompt, maxTokens: 24)
        let messages = [ChatMessage.system("You tell stories."), .user("Tell me about a cat.")]
        let expectedChat = try await greedy(engine.model, messages: messages, maxTokens: 24)
        #expect(!expectedText.isEmpty)
        try await withTestServer(engine: engine) { client in
            let request: [String: Any] = ["model": "stories260K", "prompt": prompt, "max_tokens": 24, "temperature": 0]
            let (status, json) = try await client.post("/v1/completions", request)
            #expect(status == 200)
            #expect(json.firstChoice?["text"] as? String == expectedText)
            let usage = json["usage"] as? [String: Int]
            #expect(usage?["prompt_tokens"] == engine.model.tokenize(prompt).count)
            #expect(usage?["completion_tokens"].map { $0 > 0 && $0 <= 24 } == true)

            let streamed = try await client.stream("/v1/completions", request)
            #expect(streamed.done)
            #expect(streamed.events.compactMap { $0.firstChoice?["text"] as? String }.joined() == expectedText)

            let chatRequest: [String: Any] = [
                "messages": [["role": "system", "content": "You tell stories."], ["role": "user", "content": "Tell me about a cat."]],
                "max_tokens": 24, "temperature": 0,
            ]
            let chat = try await client.post("/v1/chat/completions", chatRequest)
            #expect(chat.status == 200)
            #expect((chat.json.firstChoice?["message"] as? [String: Any])?["content"] as? String == expectedChat)
            let chatStream = try await client.stream("/v1/chat/completions", chatRequest)
            #expect(chatStream.done)
            let content = chatStream.events.compactMap { ($0.firstChoice?["delta"] as? [String: Any])?["content"] as? String }
            #expect(content.joined() == expectedChat)

            let overflow = try await client.post(
                "/v1/completions", ["prompt": String(repeating: "Once upon a time. ", count: 60), "max_tokens": 4])
            #expect(overflow.status == 400)
            #expect(overflow.json.error?["code"] as? String == "context_length_exceeded")
            let badRole = try await client.post("/v1/chat/completions", ["messages": [["role": "narrator", "content": "x"]]])
            #expect(badRole.status == 400)
            #expect(badRole.json.error?["param"] as? String == "messages[0].role")
        }
    }

    @Test("response_format json_schema answers JSON the schema accepts", .fixtures("stories260K.gguf"))
    func jsonSchemaResponses() async throws {
        let engine = try engine(try Fixtures.path("stories260K.gguf"))
        try await withTestServer(engine: engine) { client in
            let schema: [String: Any] = [
                "type": "object", "properties": ["count": ["type": "integer"], "done": ["type": "boolean"]],
                "required": ["count", "done"], "additionalProperties": false,
            ]
            // stories260K may pad with whitespace up to the limit; the answers that stop must parse.
            var stopped = 0
            for seed in 1...4 {
                let request: [String: Any] = [
                    "messages": [["role": "user", "content": "Count the cats."]], "max_tokens": 96, "seed": seed,
                    "response_format": ["type": "json_schema", "json_schema": ["name": "count", "schema": schema, "strict": true]],
                ]
                let (status, json) = try await client.post("/v1/chat/completions", request)
                #expect(status == 200)
                let content = try #require((json.firstChoice?["message"] as? [String: Any])?["content"] as? String)
                guard json.firstChoice?["finish_reason"] as? String == "stop" else { continue }
                stopped += 1
                let object = (try? JSONSerialization.jsonObject(with: Data(content.utf8))) as? [String: Any]
                #expect(object?["count"] is Int && object?["done"] is Bool, "\(content)")
            }
            #expect(stopped >= 2, "only \(stopped) of 4 answers ended before max_tokens")
        }
    }

    @Test("load: 8 streaming clients × 20 requests, every answer complete and equal to the library's", .fixtures("stories260K.gguf"))
    func load() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let engine = try engine(path, parallel: 2)
        let prompts = (0..<8).map { "Once upon a time, a child named \(["Tim", "Sue", "Max", "Lily", "Ben", "Amy", "Sam", "Zoe"][$0])" }
        var expected: [String] = []
        for prompt in prompts { expected.append(try await greedy(engine.model, prompt: prompt, maxTokens: 16)) }
        let answers = expected
        try await withTestServer(engine: engine, configure: { $0.parallel = 2 }) { client in
            let clock = ContinuousClock()
            let start = clock.now
            let latencies = try await withThrowingTaskGroup(of: [Double?].self) { group in
                for index in 0..<8 {
                    group.addTask {
                        var latencies: [Double?] = []
                        for _ in 0..<20 {
                            let begin = clock.now
                            let answer = try await client.stream(
                                "/v1/completions", ["prompt": prompts[index], "max_tokens": 16, "temperature": 0])
                            let text = answer.events.compactMap { $0.firstChoice?["text"] as? String }.joined()
                            let ok = answer.status == 200 && answer.done && text == answers[index]
                            latencies.append(ok ? (clock.now - begin) / .milliseconds(1) : nil)
                        }
                        return latencies
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let seconds = (clock.now - start) / .seconds(1)
            let completed = latencies.compactMap { $0 }.sorted()
            #expect(latencies.count == 160)
            #expect(completed.count == 160)
            #expect(try await client.send("GET", "/health").status == 200)
            if !completed.isEmpty {
                let p50 = completed[completed.count / 2], p99 = completed[min(completed.count - 1, completed.count * 99 / 100)]
                print("load: \(completed.count) requests in \(String(format: "%.2f", seconds)) s: "
                    + "\(String(format: "%.1f", Double(completed.count) / seconds)) requests/s, "
                    + "p50 \(String(format: "%.1f", p50)) ms, p99 \(String(format: "%.1f", p99)) ms")
            }
        }
    }
}
