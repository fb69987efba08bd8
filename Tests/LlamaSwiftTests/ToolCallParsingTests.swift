import FixtureSupport
import Foundation
import LlamaGrammar
@testable import LlamaSwift
import LlamaTokenizer
import Testing

/// Tool calls read out of replies in every format, whole and streamed, and the grammar that
/// forces a call: all without a model.
@Suite struct ToolCallParsingTests {
    static let weather = ToolDefinition(
        name: "get_weather", description: "The weather in a city",
        parameters: #"{"type": "object", "properties": {"city": {"enum": ["Paris", "Oslo"]}, "days": {"type": "integer", "minimum": 1, "maximum": 7}}, "required": ["city"], "additionalProperties": false}"#)
    static let time = ToolDefinition(name: "get_time")
    let parser = ToolCallParser(tools: [weather, time])

    /// The (name, arguments object) pairs of `reply`'s calls.
    func calls(_ reply: ChatReply) throws -> [(String, [String: Any])] {
        try reply.toolCalls.map { call in
            (call.name, try #require(try JSONSerialization.jsonObject(with: Data(call.arguments.utf8)) as? [String: Any]))
        }
    }

    @Test("each format's calls parse, with the text before them", arguments: [
        ("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>", ""),
        ("Let me check.\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}</tool_call>", "Let me check.\n"),
        ("[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]", ""),
        ("[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Oslo\"}", ""),
        ("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}", ""),
        ("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}", ""),
        ("  {\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}  ", ""),
        ("{\"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}}]}", ""),
        ("[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]", ""),
    ])
    func formats(text: String, content: String) throws {
        let reply = parser.parse(text)
        #expect(reply.content == content)
        let found = try calls(reply)
        #expect(found.count == 1)
        #expect(found.first?.0 == "get_weather")
        #expect(found.first?.1["city"] as? String == "Oslo")
        let id = try #require(reply.toolCalls.first?.id)
        #expect(id.count == 9 && id.allSatisfy { $0.isLetter || $0.isNumber })
    }

    @Test func severalCallsAndArgumentsLeftOut() throws {
        let text = """
            <tool_call>{"name": "get_time"}</tool_call>
            <tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}</tool_call>
            """
        let found = try calls(parser.parse(text))
        #expect(found.map(\.0) == ["get_time", "get_weather"])
        #expect(found[0].1.isEmpty)
        #expect(found[1].1["days"] as? Int == 2)
        let ids = parser.parse(text).toolCalls.map(\.id)
        #expect(Set(ids).count == 2)
    }

    @Test("what is not a call of a given tool stays text", arguments: [
        "The weather is fine.",
        "{\"name\": \"get_stock\", \"arguments\": {}}",
        "{\"city\": \"Oslo\"}",
        "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": </tool_call>",
        "<tool_call>{\"name\": \"get_weather\", \"arguments\": [1]}</tool_call>",
        "[1, 2, 3]",
        "{\"name\": \"get_weather\"} and more",
    ])
    func notCalls(text: String) {
        let reply = parser.parse(text)
        #expect(reply.toolCalls.isEmpty)
        #expect(reply.content == text)
    }

    /// Feeds `text` to a stream `step` characters at a time; returns what it showed and its end.
    func streamed(_ text: String, step: Int) -> (shown: String, end: ChatReply) {
        var stream = ToolCallStream(parser: parser)
        var shown = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            shown += stream.append(String(rest.prefix(step)))
            rest = rest.dropFirst(step)
        }
        return (shown, stream.finish())
    }

    @Test("streamed: text passes at once, a marker and what follows are held for the calls", arguments: [1, 3, 1000])
    func streaming(step: Int) throws {
        let call = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>"
        let (shown, end) = streamed("Checking <the> weather.\n" + call, step: step)
        #expect(shown + end.content == "Checking <the> weather.\n")
        #expect(try calls(end).map(\.0) == ["get_weather"])

        let plain = "Sunny, 21 degrees <tool and all."
        let free = streamed(plain, step: step)
        #expect(free.shown + free.end.content == plain)
        #expect(free.end.toolCalls.isEmpty)
        if step == 1 { #expect(free.shown.hasPrefix("Sunny")) }

        let json = streamed("{\"name\": \"get_time\", \"arguments\": {}}", step: step)
        #expect(json.shown.isEmpty)
        #expect(json.end.toolCalls.map(\.name) == ["get_time"])

        let notCall = streamed("{\"answer\": 42}", step: step)
        #expect(notCall.shown.isEmpty)
        #expect(notCall.end.content == "{\"answer\": 42}")
        #expect(notCall.end.toolCalls.isEmpty)
    }

    @Test("the format is read off real templates", .fixtures("templates"), arguments: [
        ("meta-llama-Llama-3.1-8B-Instruct.jinja", ToolCallFormat.llama3),
        ("meta-llama-Llama-3.2-3B-Instruct.jinja", .llama3),
        ("meta-llama-Llama-3.3-70B-Instruct.jinja", .llama3),
        ("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja", .hermes),
        ("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", .hermes),
        ("Qwen-Qwen2.5-7B-Instruct.jinja", .hermes),
        ("Qwen-Qwen3-0.6B.jinja", .hermes),
        ("mistralai-Mistral-Nemo-Instruct-2407.jinja", .mistral),
        ("Mistral-Small-3.2-24B-Instruct-2506.jinja", .mistral),
        ("google-gemma-2-2b-it.jinja", .generic),
    ])
    func formatOfTemplate(file: String, format: ToolCallFormat) throws {
        let source = try String(contentsOfFile: try Fixtures.path("templates/" + file), encoding: .utf8)
        #expect(ToolCallFormat(template: try ChatTemplate(jinja: source)) == format)
    }

    @Test("a forced call's grammar takes calls of the chosen tools only", arguments: ToolCallFormat.allCases)
    func forcedCallGrammar(format: ToolCallFormat) throws {
        let key = format.argumentsKey
        let call = "{\"name\": \"get_weather\", \"\(key)\": {\"city\": \"Oslo\", \"days\": 3}}"
        let wrap = { (text: String) in format == .mistral ? "[" + text + "]" : text }
        func accepts(_ constraint: OutputConstraint?, _ text: String) throws -> Bool {
            var matcher = try #require(try constraint?.matcher())
            return try matcher.accept(text) && matcher.isComplete
        }
        let required = try format.constraint(tools: [Self.weather, Self.time], choice: .required)
        #expect(try accepts(required, wrap(call)))
        #expect(try accepts(required, wrap("{\"name\": \"get_time\", \"\(key)\": {}}")))
        #expect(try !accepts(required, wrap("{\"name\": \"get_stock\", \"\(key)\": {}}")))
        #expect(try !accepts(required, wrap("{\"name\": \"get_weather\", \"\(key)\": {\"city\": \"Rome\"}}")))
        let named = try format.constraint(tools: [Self.weather, Self.time], choice: .function("get_time"))
        #expect(try !accepts(named, wrap(call)))
        // What the grammar lets through, the parser reads as the call.
        #expect(parser.parse(wrap(call)).toolCalls.map(\.name) == ["get_weather"])
        #expect(try format.constraint(tools: [Self.weather], choice: .auto) == nil)
        #expect(try format.constraint(tools: [Self.weather], choice: .none) == nil)
    }

    @Test func forcedCallErrorsNameWhatIsWrong() {
        func name(_ body: () throws -> Void) -> String? {
            do { try body() } catch { if case LlamaError.invalidParameter(let name, _, _) = error { return name } }
            return nil
        }
        #expect(name { _ = try ToolCallFormat.generic.constraint(tools: [], choice: .required) } == "tool_choice")
        #expect(name { _ = try ToolCallFormat.generic.constraint(tools: [Self.time], choice: .function("nope")) } == "tool_choice")
        let broken = ToolDefinition(name: "broken", parameters: "{\"type\": ")
        #expect(name { _ = try ToolCallFormat.hermes.constraint(tools: [Self.time, broken], choice: .required) } == "tools[1].function.parameters")
        let unsupported = ToolDefinition(name: "odd", parameters: #"{"type": "object", "properties": {"a": {"not": {}}}}"#)
        #expect(name { _ = try ToolCallFormat.hermes.constraint(tools: [unsupported], choice: .required) } == "tools")
    }

    @Test("tools and tool messages reach the template; a template without tools gets instructions", .fixtures("templates"))
    func rendering() throws {
        let source = try String(contentsOfFile: try Fixtures.path("templates/Qwen-Qwen2.5-7B-Instruct.jinja"), encoding: .utf8)
        let qwen = try ChatTemplate(jinja: source)
        let call = ToolCall(id: "abc123XYZ", name: "get_weather", arguments: #"{"city": "Oslo"}"#)
        let messages: [ChatMessage] = [
            .user("Weather in Oslo?"), .assistant(calling: [call]), .tool(#"{"temp": 3}"#, callID: call.id),
        ]
        let text = try qwen.render(messages, tools: [Self.weather], addGenerationPrompt: true, variables: [:])
        #expect(text.contains("<tools>") && text.contains("\"get_weather\""))
        #expect(text.contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>"))
        #expect(text.contains("<tool_response>\n{\"temp\": 3}\n</tool_response>"))

        let plain = try ChatTemplate(jinja: "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}")
        #expect(!plain.readsTools)
        let instructed = try plain.render([.user("Hi")], tools: [Self.weather], addGenerationPrompt: true, variables: [:])
        #expect(instructed.hasPrefix("system: You can call these functions:\n{\"name\": \"get_weather\""))
        #expect(instructed.contains("\nuser: Hi\n"))
        #expect(try plain.render([.user("Hi")], addGenerationPrompt: true, variables: [:]) == "user: Hi\n")
        // Where the template has no place for an assistant's calls, they are its text.
        let history = try plain.render(messages, addGenerationPrompt: false, variables: [:])
        #expect(history == "user: Weather in Oslo?\nassistant: {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\ntool: {\"temp\": 3}\n")
    }
}
