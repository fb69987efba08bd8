import Foundation
import FixtureSupport
import GGUF
import Testing
@testable import LlamaTokenizer

@Suite struct ChatTemplateTests {
    /// SmolLM2's own template is recognised, and its rendering of the reference conversation
    /// encodes to exactly the tokens llama.cpp produced for that prompt.
    @Test func smolLM2TemplateReproducesTheReferencePrompt() throws {
        guard let path = try Fixtures.require(TestTokenizers.smolLM2),
              let tokenizer = try TestTokenizers.load(TestTokenizers.smolLM2),
              let json = try Fixtures.json("reference/smollm2-135m-instruct-q4_1.json") as? [String: Any] else { return }
        let metadata = try GGUFFile(path: path).metadata
        let template = try #require(ChatTemplate.forModel(metadata: metadata, tokenizer: tokenizer))
        #expect(template == .chatML)

        let reference = try #require((json["cases"] as? [[String: Any]])?.first)
        let prompt = template.render([
            .system("You are a helpful AI assistant named SmolLM, trained by Hugging Face"),
            .user("What is the capital of France?"),
        ], addGenerationPrompt: true)
        #expect(prompt == reference["prompt"] as? String)
        #expect(tokenizer.encode(prompt, parseSpecial: true) == reference["tokens"] as? [Int])
    }

    @Test func llama3Rendering() {
        let prompt = ChatTemplate.llama3.render([.system("Be brief."), .user("  Hi there \n")], addGenerationPrompt: true)
        #expect(prompt == "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test func llama2Rendering() {
        let prompt = ChatTemplate.llama2.render([
            .system("Be brief."), .user("Hi"), .assistant("Hello!"), .user("Bye"),
        ], addGenerationPrompt: true)
        #expect(prompt == "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]Hello!</s><s>[INST] Bye [/INST]")
    }

    @Test func chatMLWithoutGenerationPrompt() {
        let prompt = ChatTemplate.chatML.render([.user("Hi"), .assistant("Hello")], addGenerationPrompt: false)
        #expect(prompt == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n")
    }

    @Test func recognisesKnownJinjaTemplates() {
        let llama3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}"
        let llama2 = "{% if messages[0]['role'] == 'system' %}{% set system_message = '<<SYS>>\\n' + messages[0]['content'] | trim + '\\n<</SYS>>\\n\\n' %}{% endif %}{{ bos_token + '[INST] ' + content | trim + ' [/INST]' }}"
        #expect(ChatTemplate(jinja: llama3) == .llama3)
        #expect(ChatTemplate(jinja: llama2) == .llama2)
        #expect(ChatTemplate(jinja: "{{ '<|im_start|>' + message['role'] }}") == .chatML)
        #expect(ChatTemplate(jinja: "{{ messages | tojson }}") == nil)
        #expect(ChatTemplate(jinja: "{{ '<|im_start|>' + role + '<|im_sep|>' }}") == nil)  // Phi 4
    }

    @Test func guessesFromTheVocabularyWithoutATemplate() throws {
        guard let llama3 = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf"),
              let llama2 = try TestTokenizers.load("tokenizer/ggml-vocab-llama-spm.gguf") else { return }
        #expect(ChatTemplate.forModel(metadata: GGUFMetadata(), tokenizer: llama3) == .llama3)
        #expect(ChatTemplate.forModel(metadata: GGUFMetadata(), tokenizer: llama2) == .llama2)
        #expect(ChatTemplate.forModel(metadata: GGUFMetadata()) == nil)
    }
}
