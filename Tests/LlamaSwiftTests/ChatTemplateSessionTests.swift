import FixtureSupport
import Testing
import LlamaSwift

/// `chat()` renders through the model's own template (or one the caller gives) and tokenizes the
/// prompt with special tokens parsed and a single BOS.
@Suite struct ChatTemplateSessionTests {
    func collect(_ stream: AsyncThrowingStream<String, Error>) async throws -> String {
        var text = ""
        for try await piece in stream { text += piece }
        return text
    }

    /// Whether `needle` occurs in `haystack` as a run of consecutive tokens.
    func contains(_ haystack: [Int], _ needle: [Int]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test(.fixtures("SmolLM2-135M-Instruct.Q4_1.gguf")) func smolLM2ChatsThroughItsOwnTemplate() async throws {
        let path = try Fixtures.path("SmolLM2-135M-Instruct.Q4_1.gguf")
        let model = try LlamaModel(path: path, threads: 2)
        let session = try model.makeSession(contextSize: 256)
        let answer = try await collect(session.chat(messages: [.user("What is the capital of France?")], parameters: .greedy(maxTokens: 8)))
        #expect(!answer.isEmpty)
        let cached = await session.cachedTokens
        let system = model.tokenize("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>",
                                    addSpecial: false, parseSpecial: true)
        #expect(contains(cached, system), "the template's default system prompt was not evaluated")
        let turn = model.tokenize("<|im_start|>assistant\n", addSpecial: false, parseSpecial: true)
        #expect(contains(cached, turn))
        if let bos = model.tokenizer.bosTokenID { #expect(Array(cached.prefix(2)) != [bos, bos]) }
    }

    /// Each family's tiny fixture chats through the template its file carries: the prompt
    /// `chat()` evaluates is the one jinja2 rendered and llama.cpp tokenized for the reference
    /// (its third case), and the reply is llama.cpp's greedy continuation up to its first near-tie.
    @Test(.fixtures(["qwen2", "qwen3", "phi3", "gemma2", "gemma3", "mistral"].flatMap {
        ["synthetic/tiny-\($0)-Q8_0.gguf", "reference/tiny-\($0)-Q8_0.json"]
    }), arguments: ["qwen2", "qwen3", "phi3", "gemma2", "gemma3", "mistral"])
    func familyFixtureChatsThroughItsOwnTemplate(family: String) async throws {
        let model = try LlamaModel(path: try Fixtures.path("synthetic/tiny-\(family)-Q8_0.gguf"), threads: 2)
        let reference = try ReferenceOutputs.load("tiny-\(family)-Q8_0")
        let chat = try #require(reference.cases.last)
        let margins = try #require(chat.sequenceTop10Logits)
        // Greedy tokens until llama.cpp's first near-tie, which another engine may break either way.
        let sure = chat.greedyTokens.indices.first { margins[chat.tokens.count - 1 + $0][0] - margins[chat.tokens.count - 1 + $0][1] <= 0.05 }
            ?? chat.greedyTokens.count
        let session = try model.makeSession(contextSize: 256)
        let message = "Give me three tips for keeping a sourdough starter alive."
        _ = try await collect(session.chat(messages: [.user(message)], parameters: .greedy(maxTokens: max(1, sure))))
        let cached = await session.cachedTokens
        #expect(Array(cached.prefix(chat.tokens.count)) == chat.tokens, "\(family): the rendered prompt's tokens")
        let reply = Array(cached.dropFirst(chat.tokens.count).prefix(sure))
        #expect(reply == Array(chat.greedyTokens.prefix(reply.count)), "\(family): the reply")
        // The last token sampled is not evaluated, so the cache may hold one fewer.
        #expect(reply.count + 1 >= min(sure, chat.greedyTokens.count), "\(family): \(reply.count) of \(sure) tokens")
    }

    @Test(.fixtures("SmolLM2-135M-Instruct.Q4_1.gguf")) func otherTemplatesAndTheirErrors() async throws {
        let path = try Fixtures.path("SmolLM2-135M-Instruct.Q4_1.gguf")
        let model = try LlamaModel(path: path, threads: 2)
        let session = try model.makeSession(contextSize: 256)

        // A template of the caller's, with a variable of the caller's.
        let own = try model.chatTemplate(jinja: "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
            + "<|im_start|>assistant\n{{ prefill }}")
        _ = try await collect(session.chat(
            messages: [.user("Hi")], parameters: .greedy(maxTokens: 2), template: own, variables: ["prefill": "Sure"]))
        let expected = model.tokenizeChatPrompt("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nSure")
        #expect(Array(await session.cachedTokens.prefix(expected.count)) == expected)

        // A template that raises ends the stream with its message.
        let raising = try model.chatTemplate(jinja: "{{ raise_exception('Conversation roles must alternate user/assistant') }}")
        await #expect(throws: LlamaError.chatTemplateFailed("Conversation roles must alternate user/assistant")) {
            _ = try await collect(session.chat(messages: [.user("Hi")], template: raising))
        }
        #expect(throws: LlamaError.self) { try model.chatTemplate(named: "no-such-format") }
        #expect(throws: LlamaError.self) { try model.chatTemplate(jinja: "{% if x %}") }
        #expect(try model.chatTemplate(named: "chatml").name == "chatml")

        // A template that writes BOS itself: the prompt still holds one BOS.
        if let bos = model.tokenizer.bosTokenID, let text = model.tokenizer.text(of: bos) {
            let tokens = model.tokenizeChatPrompt(text + "Hi")
            #expect(tokens.first == bos)
            #expect(Array(tokens.prefix(2)) != [bos, bos])
        }
    }
}
