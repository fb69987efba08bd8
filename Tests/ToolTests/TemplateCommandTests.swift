import FixtureSupport
import Foundation
import Jinja
import Testing

/// `llama-swift template`: the prompt a chat template renders, byte for byte, for scripts.
@Suite struct TemplateCommandTests {
    /// A render of `reference/chat-templates.json`: the conversation, the flags and jinja2's answer.
    struct Reference {
        let templateFile: String
        let arguments: [String]
        let output: String?
        let error: String?
    }

    /// Writes `text` to a temporary file and returns its path.
    func writeFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("template-\(UUID()).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes `value` as JSON to a temporary file and returns its path.
    func writeJSON(_ value: Any) throws -> String {
        try writeFile(String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self))
    }

    /// `value` as JSON text with its keys in their order (`tojson` keeps it; Foundation does not,
    /// and templates print tools and arguments with `tojson`).
    func orderedJSON(_ value: Value) throws -> String {
        try Template("{{ x | tojson }}").render(["x": value])
    }

    /// The entry `key` of an object value.
    func member(_ value: Value?, _ key: String) -> Value? {
        if case .object(let object)? = value { return object[key] }
        return nil
    }

    /// The reference render of `template` for `conversation`, as `template` subcommand arguments.
    func reference(_ template: String, _ conversation: String, generationPrompt: Bool) throws -> Reference {
        let path = try Fixtures.path("reference/chat-templates.json")
        let root = try #require(try Fixtures.jsonObject("reference/chat-templates.json") as? [String: Any])
        let entry = try #require((root["templates"] as? [String: Any])?[template] as? [String: Any])
        let chat = try #require((root["conversations"] as? [String: Any])?[conversation] as? [String: Any])
        let render = try #require((entry["renders"] as? [[String: Any]])?.first {
            $0["conversation"] as? String == conversation && $0["add_generation_prompt"] as? Bool == generationPrompt
        })
        let fixtures = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
        let file = fixtures.appendingPathComponent(try #require(entry["file"] as? String)).path
        let ordered = try Value(json: String(contentsOfFile: path, encoding: .utf8))
        let conversationValue = member(member(ordered, "conversations"), conversation)
        #expect(chat["messages"] != nil)
        var arguments = ["template", "--chat-template-file", file,
                         "--messages", try writeFile(try orderedJSON(try #require(member(conversationValue, "messages"))))]
        if let tools = member(conversationValue, "tools") { arguments += ["--tools", try writeFile(try orderedJSON(tools))] }
        if !generationPrompt { arguments.append("--no-generation-prompt") }
        if let bos = entry["bos_token"] as? String { arguments += ["--bos", bos] }
        if let eos = entry["eos_token"] as? String { arguments += ["--eos", eos] }
        return Reference(
            templateFile: file, arguments: arguments,
            output: render["output"] as? String, error: render["raises"] as? Bool == true ? render["error"] as? String : nil)
    }

    @Test(.fixtures("reference/chat-templates.json")) func rendersFixtureTemplatesAsJinja2() throws {
        let cases = [
            ("Qwen-Qwen2.5-7B-Instruct", "tool_call", true),
            ("Qwen-Qwen2.5-7B-Instruct", "multi_turn", false),
            ("google-gemma-2-2b-it", "multi_turn", true),
        ]
        for (template, conversation, generationPrompt) in cases {
            let reference = try reference(template, conversation, generationPrompt: generationPrompt)
            let expected = try #require(reference.output, "\(template) \(conversation) raised in jinja2")
            let result = try Tool.run("llama-swift", reference.arguments)
            #expect(result.status == 0, "\(template) \(conversation): \(result.stderr)")
            #expect(result.stdout == expected, "\(template) \(conversation)")
        }
    }

    @Test(.fixtures("reference/chat-templates.json")) func raisingTemplateExitsOneWithItsMessage() throws {
        let reference = try reference("google-gemma-2-2b-it", "system_user", generationPrompt: true)
        let message = try #require(reference.error)
        #expect(message == "System role not supported")
        let result = try Tool.run("llama-swift", reference.arguments)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func namedBuiltInAndVariables() throws {
        let messages = try writeJSON([["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"]])
        let chatml = try Tool.run("llama-swift", ["template", "--chat-template", "chatml", "--messages", messages])
        #expect(chatml.status == 0, "\(chatml.stderr)")
        #expect(chatml.stdout == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        let closed = try Tool.run("llama-swift", ["template", "--chat-template", "chatml", "--messages", messages, "--no-generation-prompt"])
        #expect(closed.stdout == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")

        // --var values reach the template as JSON; --bos sets bos_token.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vars-\(UUID()).jinja")
        try Data("{{ bos_token }}{{ enable_thinking }}|{{ extra.n * 2 }}|{{ tools is defined }}".utf8).write(to: file)
        let vars = try Tool.run("llama-swift", [
            "template", "--chat-template-file", file.path, "--messages", messages, "--bos", "<B>",
            "--var", "enable_thinking=false", "--var", "extra={\"n\": 21}",
        ])
        #expect(vars.status == 0, "\(vars.stderr)")
        #expect(vars.stdout == "<B>False|42|False")

        let unknown = try Tool.run("llama-swift", ["template", "--chat-template", "no-such-format", "--messages", messages])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no-such-format"))
    }

    /// With -m, the model's own template (read from the metadata alone) and its BOS/EOS texts.
    @Test(.fixtures("SmolLM2-135M-Instruct.Q4_1.gguf")) func modelTemplateFromGGUF() throws {
        let model = try Fixtures.path("SmolLM2-135M-Instruct.Q4_1.gguf")
        let messages = try writeJSON([["role": "user", "content": "Hi"]])
        let result = try Tool.run("llama-swift", ["template", "-m", model, "--messages", messages])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("<|im_start|>system\nYou are a helpful AI assistant named SmolLM"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"))
    }
}
