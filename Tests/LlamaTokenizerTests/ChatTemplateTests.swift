import Foundation
import FixtureSupport
import GGUF
import Jinja
import Testing
@testable import LlamaTokenizer

@Suite struct ChatTemplateTests {
    /// SmolLM2 chats through its own Jinja template: its rendering of the reference
    /// conversation encodes to exactly the tokens llama.cpp produced for that prompt, and its
    /// default system message appears when the conversation has none.
    @Test(.fixtures(TestTokenizers.smolLM2, "reference/smollm2-135m-instruct-q4_1.json"))
    func smolLM2TemplateReproducesTheReferencePrompt() throws {
        let path = try Fixtures.path(TestTokenizers.smolLM2)
        let tokenizer = try TestTokenizers.load(TestTokenizers.smolLM2)
        let json = try #require(try Fixtures.jsonObject("reference/smollm2-135m-instruct-q4_1.json") as? [String: Any])
        let metadata = try GGUFFile(path: path).metadata
        let template = try #require(try ChatTemplate.modelTemplate(metadata: metadata, tokenizer: tokenizer))
        #expect(template.name == nil)

        let reference = try #require((json["cases"] as? [[String: Any]])?.first)
        let prompt = try template.render([
            .system("You are a helpful AI assistant named SmolLM, trained by Hugging Face"),
            .user("What is the capital of France?"),
        ], addGenerationPrompt: true, variables: [:])
        #expect(prompt == reference["prompt"] as? String)
        #expect(tokenizer.encode(prompt, parseSpecial: true) == reference["tokens"] as? [Int])

        let withDefault = try template.render([.user("Hi")], addGenerationPrompt: true, variables: [:])
        #expect(withDefault == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
            + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    /// Each tiny model of the fixtures renders its own template as jinja2 did for its third
    /// reference prompt (one user message, generation prompt, leading BOS text left out).
    static let tinyArchitectures = ["gemma2", "gemma3", "mistral", "phi3", "qwen2", "qwen3"]

    @Test(.fixtures(tinyArchitectures.flatMap { ["synthetic/tiny-\($0)-Q4_0.gguf", "reference/tiny-\($0)-Q4_0.json"] }),
          arguments: tinyArchitectures)
    func fixtureModelsChatThroughTheirOwnTemplates(_ arch: String) throws {
        let path = try Fixtures.path("synthetic/tiny-\(arch)-Q4_0.gguf")
        let json = try #require(try Fixtures.jsonObject("reference/tiny-\(arch)-Q4_0.json") as? [String: Any])
        // The qwen2 pre-tokenizer is not supported yet; the Qwen template needs no BOS or EOS
        // text for this prompt, so those two render without a tokenizer.
        let tokenizer: LlamaTokenizer? = arch.hasPrefix("qwen") ? nil : try TestTokenizers.load("synthetic/tiny-\(arch)-Q4_0.gguf")
        let template = try #require(try ChatTemplate.modelTemplate(metadata: GGUFFile(path: path).metadata, tokenizer: tokenizer))
        let reference = try #require((json["cases"] as? [[String: Any]])?[2]["prompt"] as? String)
        let prompt = try template.render([.user("Give me three tips for keeping a sourdough starter alive.")], addGenerationPrompt: true, variables: [:])
        #expect(prompt == reference)
    }

    @Test func llama3Rendering() throws {
        let prompt = try ChatTemplate.llama3.render([.system("Be brief."), .user("  Hi there \n")], addGenerationPrompt: true, variables: [:])
        #expect(prompt == "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test func llama2Rendering() throws {
        let prompt = try ChatTemplate.llama2.render([
            .system("Be brief."), .user("Hi"), .assistant("Hello!"), .user("Bye"),
        ], addGenerationPrompt: true, variables: [:])
        #expect(prompt == "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]Hello!</s><s>[INST] Bye [/INST]")
    }

    @Test func chatMLWithoutGenerationPrompt() throws {
        let prompt = try ChatTemplate.chatML.render([.user("Hi"), .assistant("Hello")], addGenerationPrompt: false, variables: [:])
        #expect(prompt == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n")
    }

    /// The named formats, each on a conversation with every role, written out in full.
    static let builtInRenders: [(String, String)] = [
        ("mistral-instruct", "<s>[INST] Be brief.\n\nHi [/INST]Hello!</s>[INST] Bye [/INST]"),
        ("codellama-instruct", "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST]"),
        ("vicuna", "Be brief.\n\nUSER: Hi\nASSISTANT: Hello!</s>\nUSER: Bye\nASSISTANT:"),
        ("belle-llama-2-chat", "Be brief.\nHuman: Hi\n\nAssistant:Hello!</s>Human: Bye\n\nAssistant:"),
        ("zephyr", "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n<|user|>\nBye</s>\n<|assistant|>\n"),
        ("phi3", "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n<|user|>\nBye<|end|>\n<|assistant|>\n"),
        ("gemma", "<s><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"),
        ("deepseek", "<s>Be brief.\n\nUser: Hi\n\nAssistant: Hello!</s>User: Bye\n\nAssistant:"),
    ]

    /// With BOS kept (a tokenizer that does not add it), so the renders show where BOS goes.
    @Test(arguments: builtInRenders) func builtInFormats(_ name: String, _ expected: String) throws {
        let template = try ChatTemplate(named: name, dropsLeadingBOS: false)
        let prompt = try template.render([.system("Be brief."), .user("Hi"), .assistant("Hello!"), .user("Bye")], addGenerationPrompt: true, variables: [:])
        #expect(prompt == expected)
    }

    @Test func everyBuiltInNameAndAliasCompiles() throws {
        for name in ChatTemplate.builtInNames + BuiltInChatTemplates.aliases.keys.sorted() {
            let template = try ChatTemplate(named: name)
            #expect(try !template.render([.user("x")], addGenerationPrompt: true, variables: [:]).isEmpty)
        }
        #expect(throws: ChatTemplateError.unknownName("no-such-format")) { try ChatTemplate(named: "no-such-format") }
    }

    /// Any Jinja text works; errors name where it fails to parse or carry the template's message.
    @Test func ownJinjaTemplatesAndTheirErrors() throws {
        let template = try ChatTemplate(jinja: "{% for m in messages %}{{ m.role[0] | upper }}:{{ m.content }};{% endfor %}{{ extra }}")
        #expect(try template.render([.user("a"), .assistant("b")], addGenerationPrompt: false, variables: ["extra": "!"]) == "U:a;A:b;!")

        #expect(throws: ChatTemplateError.template(.syntax(message: "unexpected end of template: 'if' block is never closed (expected 'elif' or 'else' or 'endif')", line: 2, column: 1))) {
            try ChatTemplate(jinja: "x\n{% if messages %}")
        }
        var small = try ChatTemplate(jinja: "{{ messages[0].content * 1000 }}")
        small.limits = Limits(maxOutputBytes: 1000)
        #expect(throws: ChatTemplateError.self) { try small.render([.user("long text")], addGenerationPrompt: false, variables: [:]) }
        let alternating = try ChatTemplate(jinja: "{% if messages[0].role == 'assistant' %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}")
        #expect(throws: ChatTemplateError.template(.raised("Conversation roles must alternate"))) {
            try alternating.render([.assistant("x")], addGenerationPrompt: true, variables: [:])
        }
    }

    /// OpenAI-style messages (tool calls, typed content parts) go to the template as they are.
    @Test func messagesAsJSONValues() throws {
        let template = try ChatTemplate(jinja: """
            {%- for m in messages -%}
            {%- if m.tool_calls is defined -%}{{- m.tool_calls[0].function.name + m.tool_calls[0].function.arguments | tojson -}}
            {%- elif m.content is string -%}{{- m.content -}}
            {%- else -%}{{- m.content | map(attribute='text') | join(' ') -}}{%- endif -%};
            {%- endfor -%}
            """)
        let messages = try Value(json: #"""
            [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
             {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]},
             {"role": "tool", "tool_call_id": "1", "content": "done"}]
            """#)
        #expect(try template.render(messages: messages, addGenerationPrompt: false, variables: [:]) == #"a b;f{"x": 1};done;"#)
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf", "tokenizer/ggml-vocab-llama-spm.gguf"))
    func guessesFromTheVocabularyWithoutATemplate() throws {
        let llama3 = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        let llama2 = try TestTokenizers.load("tokenizer/ggml-vocab-llama-spm.gguf")
        #expect(ChatTemplate.forModel(metadata: GGUFMetadata(), tokenizer: llama3)?.name == "llama3")
        #expect(ChatTemplate.forModel(metadata: GGUFMetadata(), tokenizer: llama2)?.name == "llama2")
        #expect(ChatTemplate.forModel(metadata: GGUFMetadata()) == nil)
    }
}
