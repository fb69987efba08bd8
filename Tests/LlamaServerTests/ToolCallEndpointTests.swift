import Foundation
import LlamaServer
import LlamaSwift
import Synchronization
import Testing

/// An engine that answers every request with the same text, a few characters per piece, and
/// keeps the prompts and parameters it was given.
final class ScriptedEngine: CompletionEngine {
    let modelName = "scripted"
    let contextSize = 4096
    let answer: String
    let toolCallFormat: ToolCallFormat
    let seen = Mutex<[(CompletionPrompt, CompletionParameters)]>([])

    init(answer: String, format: ToolCallFormat = .hermes) {
        self.answer = answer
        toolCallFormat = format
    }

    func promptTokenCount(_ prompt: CompletionPrompt) throws -> Int { 10 }

    func generate(
        _ prompt: CompletionPrompt, parameters: CompletionParameters, onText: @Sendable (String) async throws -> Void
    ) async throws -> CompletionOutcome {
        seen.withLock { $0.append((prompt, parameters)) }
        var rest = Substring(answer)
        var pieces = 0
        while !rest.isEmpty {
            try await onText(String(rest.prefix(3)))
            rest = rest.dropFirst(3)
            pieces += 1
        }
        return CompletionOutcome(completionTokens: pieces, finishReason: .stop)
    }
}

@Suite("Tool calls in chat completions")
struct ToolCallEndpointTests {
    static var tools: [[String: Any]] { [[
        "type": "function",
        "function": [
            "name": "get_weather", "description": "Weather of a city",
            "parameters": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
        ] as [String: Any],
    ]] }
    static let call = #"<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}}</tool_call>"#

    @Test("a reply that calls a tool answers tool_calls, content null and finish_reason tool_calls")
    func wholeToolCall() async throws {
        let engine = ScriptedEngine(answer: Self.call)
        try await withTestServer(engine: engine) { client in
            let (status, json) = try await client.post(
                "/v1/chat/completions", ["messages": [["role": "user", "content": "Weather in Oslo?"]], "tools": Self.tools])
            #expect(status == 200)
            #expect(json.firstChoice?["finish_reason"] as? String == "tool_calls")
            let message = try #require(json.firstChoice?["message"] as? [String: Any])
            #expect(message["content"] is NSNull)
            let calls = try #require(message["tool_calls"] as? [[String: Any]])
            #expect(calls.count == 1)
            #expect(calls[0]["type"] as? String == "function")
            #expect((calls[0]["id"] as? String)?.isEmpty == false)
            let function = try #require(calls[0]["function"] as? [String: Any])
            #expect(function["name"] as? String == "get_weather")
            #expect(function["arguments"] as? String == #"{"city":"Oslo"}"#)
        }
        let prompt = try #require(engine.seen.withLock { $0.first?.0 })
        guard case .chat(_, let tools) = prompt else { Issue.record("not a chat"); return }
        #expect(tools.map(\.name) == ["get_weather"])
        #expect(tools.first?.parameters.contains("\"city\"") == true)
    }

    @Test("streamed: text before the call as content deltas, the call as one tool_calls delta")
    func streamedToolCall() async throws {
        try await withTestServer(engine: ScriptedEngine(answer: "Let me look.\n" + Self.call)) { client in
            let answer = try await client.stream(
                "/v1/chat/completions", ["messages": [["role": "user", "content": "Weather?"]], "tools": Self.tools])
            #expect(answer.done)
            let deltas = answer.events.compactMap { $0.firstChoice?["delta"] as? [String: Any] }
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Let me look.\n")
            let calls = deltas.compactMap { $0["tool_calls"] as? [[String: Any]] }
            #expect(calls.count == 1)
            #expect(calls.first?.first?["index"] as? Int == 0)
            #expect((calls.first?.first?["function"] as? [String: Any])?["name"] as? String == "get_weather")
            #expect(answer.events.last?.firstChoice?["finish_reason"] as? String == "tool_calls")
        }
    }

    @Test("without tools, or with tool_choice none, the same text is content")
    func noToolsNoParsing() async throws {
        let engine = ScriptedEngine(answer: Self.call)
        try await withTestServer(engine: engine) { client in
            for withTools in [false, true] {
                var request: [String: Any] = ["messages": [["role": "user", "content": "Hi"]]]
                if withTools {
                    request["tools"] = Self.tools
                    request["tool_choice"] = "none"
                }
                let (status, json) = try await client.post("/v1/chat/completions", request)
                #expect(status == 200)
                #expect((json.firstChoice?["message"] as? [String: Any])?["content"] as? String == Self.call)
                #expect(json.firstChoice?["finish_reason"] as? String == "stop")
            }
        }
        // tool_choice none: the tools are not rendered.
        let prompts = engine.seen.withLock { $0.map(\.0) }
        for prompt in prompts { if case .chat(_, let tools) = prompt { #expect(tools.isEmpty) } }
    }

    @Test("required and named tool_choice constrain sampling to the engine's call format")
    func forcedChoiceConstrains() async throws {
        let engine = ScriptedEngine(answer: Self.call)
        try await withTestServer(engine: engine) { client in
            for named in [false, true] {
                let choice: Any = named ? ["type": "function", "function": ["name": "get_weather"]] : "required"
                let (status, _) = try await client.post(
                    "/v1/chat/completions", ["messages": [["role": "user", "content": "Hi"]], "tools": Self.tools, "tool_choice": choice])
                #expect(status == 200)
            }
        }
        let constraints = engine.seen.withLock { $0.map(\.1.constraint) }
        #expect(constraints.count == 2)
        for constraint in constraints {
            guard case .jsonSchema(let schema)? = constraint else { Issue.record("no schema constraint"); continue }
            #expect(schema.contains(#""const":"get_weather""#))
        }
    }

    @Test("tool messages, assistant tool_calls with content null and text-part lists are accepted")
    func toolMessages() async throws {
        let engine = ScriptedEngine(answer: "It is 3 degrees.")
        try await withTestServer(engine: engine) { client in
            let messages: [[String: Any]] = [
                ["role": "developer", "content": [["type": "text", "text": "Be "], ["type": "text", "text": "brief."]]],
                ["role": "user", "content": "Weather in Oslo?"],
                ["role": "assistant", "content": NSNull(), "tool_calls": [[
                    "id": "call1abcd", "type": "function", "function": ["name": "get_weather", "arguments": #"{"city":"Oslo"}"#],
                ]]],
                ["role": "tool", "tool_call_id": "call1abcd", "content": #"{"temp": 3}"#],
            ]
            let (status, json) = try await client.post("/v1/chat/completions", ["messages": messages, "tools": Self.tools])
            #expect(status == 200)
            #expect((json.firstChoice?["message"] as? [String: Any])?["content"] as? String == "It is 3 degrees.")
            #expect(json.firstChoice?["finish_reason"] as? String == "stop")
        }
        let prompt = try #require(engine.seen.withLock { $0.first?.0 })
        guard case .chat(let turns, _) = prompt else { Issue.record("not a chat"); return }
        #expect(turns.map(\.role) == ["developer", "user", "assistant", "tool"])
        #expect(turns[0].content == "Be brief.")
        #expect(turns[2].toolCalls == [ToolCall(id: "call1abcd", name: "get_weather", arguments: #"{"city":"Oslo"}"#)])
        #expect(turns[3].toolCallID == "call1abcd")
    }

    static let toolsJSON = #"[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]"#

    @Test("bad tool requests are 400s naming the field", arguments: [
        (#"{"tools": [{"type": "retrieval", "function": {"name": "x"}}]}"#, "tools[0].type"),
        (#"{"tools": [{"type": "function", "function": {"name": "bad name!"}}]}"#, "tools[0].function.name"),
        (#"{"tools": [{"type": "function", "function": {"name": "a"}}, {"type": "function", "function": {"name": "a"}}]}"#, "tools[1].function.name"),
        (#"{"tool_choice": "required"}"#, "tool_choice"),
        (#"{"tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "nope"}}}"#, "tool_choice"),
        (#"{"tools": TOOLS, "tool_choice": "sometimes"}"#, "tool_choice"),
        (#"{"tools": TOOLS, "tool_choice": "required", "response_format": {"type": "json_object"}}"#, "tool_choice"),
        (#"{"tools": [{"type": "function", "function": {"name": "odd", "parameters": {"type": "object", "properties": {"a": {"not": {}}}}}}], "tool_choice": "required"}"#, "tools"),
        (#"{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}"#, "messages[0].content[0].type"),
        (#"{"messages": [{"role": "user", "content": null}]}"#, "messages[0].content"),
    ])
    func badRequests(extra: String, param: String) async throws {
        try await withTestServer(engine: ScriptedEngine(answer: "x")) { client in
            let fields = try JSONSerialization.jsonObject(with: Data(extra.replacingOccurrences(of: "TOOLS", with: Self.toolsJSON).utf8))
            var request: [String: Any] = ["messages": [["role": "user", "content": "Hi"]]]
            request.merge(fields as? [String: Any] ?? [:]) { $1 }
            let (status, json) = try await client.post("/v1/chat/completions", request)
            #expect(status == 400)
            #expect(json.error?["param"] as? String == param, "\(json)")
        }
    }
}
