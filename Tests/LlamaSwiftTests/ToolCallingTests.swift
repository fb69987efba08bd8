import FixtureSupport
import Foundation
import LlamaSwift
import LlamaTokenizer
import Testing

/// Forced tool calls through real chat templates on fixture models: whatever the weights, the
/// reply is a call of the chosen tool whose arguments the tool's schema accepts, checked here
/// by reading the JSON, not by the grammar engine.
@Suite(.serialized) struct ToolCallingTests {
    static let weather = ToolDefinition(
        name: "get_weather", description: "The weather in a city",
        parameters: #"{"type": "object", "properties": {"city": {"enum": ["Paris", "Oslo"]}, "days": {"type": "integer", "minimum": 1, "maximum": 7}}, "required": ["city", "days"], "additionalProperties": false}"#)
    static let time = ToolDefinition(
        name: "get_time", parameters: #"{"type": "object", "properties": {"zone": {"enum": ["UTC", "CET"]}}, "required": ["zone"], "additionalProperties": false}"#)

    /// Model file, template file (`nil`: the model's own) and the format that template gives.
    static let cases: [(String, String?, ToolCallFormat)] = [
        ("synthetic/tiny-qwen2-Q8_0.gguf", "templates/Qwen-Qwen2.5-7B-Instruct.jinja", .hermes),
        ("synthetic/tiny-llama3-Q4_0.gguf", "templates/meta-llama-Llama-3.1-8B-Instruct.jinja", .llama3),
        ("synthetic/tiny-mistral-Q8_0.gguf", "templates/mistralai-Mistral-Nemo-Instruct-2407.jinja", .mistral),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", nil, .generic),
    ]
    static let files = cases.flatMap { [$0.0] + ($0.1.map { [$0] } ?? []) }

    /// Checks that `call`'s arguments are what the schema of its tool allows.
    func checkArguments(_ call: ToolCall) throws {
        let arguments = try #require(try JSONSerialization.jsonObject(with: Data(call.arguments.utf8)) as? [String: Any], "\(call.arguments)")
        switch call.name {
        case "get_weather":
            #expect(Set(arguments.keys) == ["city", "days"], "\(call.arguments)")
            #expect(["Paris", "Oslo"].contains(arguments["city"] as? String ?? ""), "\(call.arguments)")
            #expect((1...7).contains(arguments["days"] as? Int ?? 0), "\(call.arguments)")
        case "get_time":
            #expect(Set(arguments.keys) == ["zone"] && ["UTC", "CET"].contains(arguments["zone"] as? String ?? ""), "\(call.arguments)")
        default:
            Issue.record("call of an unknown tool \(call.name)")
        }
    }

    @Test("required and named tool_choice give calls that parse, in each template's format", .fixtures(files), arguments: cases)
    func forcedCalls(model file: String, template templateFile: String?, format: ToolCallFormat) async throws {
        let model = try LlamaModel(path: try Fixtures.path(file), threads: 2)
        let template = try templateFile.map { try model.chatTemplate(jinja: String(contentsOfFile: try Fixtures.path($0), encoding: .utf8)) }
        #expect(ToolCallFormat(template: template ?? model.chatTemplate) == format)
        let session = try model.makeSession(contextSize: 1024)
        let messages: [ChatMessage] = [.system("You are a helpful assistant."), .user("What is the weather in Oslo for the next 3 days?")]
        for seed in 1...3 as ClosedRange<UInt64> {
            var parameters = GenerationParameters()
            parameters.seed = seed
            parameters.maxTokens = 400
            let reply = try await session.reply(
                to: messages, tools: [Self.weather, Self.time], toolChoice: .required, parameters: parameters, template: template)
            #expect(reply.toolCalls.count >= 1, "no call in \(reply)")
            for call in reply.toolCalls { try checkArguments(call) }
            #expect(reply.content.isEmpty, "\(reply.content)")
        }
        let named = try await session.reply(
            to: messages, tools: [Self.weather, Self.time], toolChoice: .function("get_time"), parameters: .greedy(maxTokens: 400),
            template: template)
        #expect(named.toolCalls.map(\.name) == ["get_time"])
        for call in named.toolCalls { try checkArguments(call) }

        // The call and its result go back through the template, and the model answers.
        let call = try #require(named.toolCalls.first)
        let followUp = messages + [.assistant(calling: [call]), .tool(#"{"time": "12:00"}"#, callID: call.id)]
        let answer = try await session.reply(
            to: followUp, tools: [Self.weather, Self.time], toolChoice: .none, parameters: .greedy(maxTokens: 8), template: template)
        #expect(answer.toolCalls.isEmpty)
    }

    @Test("a forced call cannot be combined with another constraint", .fixtures("SmolLM2-135M-Instruct.Q4_1.gguf"))
    func forcedCallAndConstraint() async throws {
        let model = try LlamaModel(path: try Fixtures.path("SmolLM2-135M-Instruct.Q4_1.gguf"), threads: 1)
        var parameters = GenerationParameters.greedy(maxTokens: 4)
        parameters.constraint = .jsonObject
        await #expect(throws: LlamaError.self) {
            _ = try await model.makeSession().reply(to: [.user("Hi")], tools: [Self.time], toolChoice: .required, parameters: parameters)
        }
    }
}
