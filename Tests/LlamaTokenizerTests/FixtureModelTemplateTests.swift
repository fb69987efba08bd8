import FixtureSupport
import Foundation
import GGUF
import Testing
import LlamaTokenizer

/// Every tiny fixture model (`synthetic/tiny-*-Q8_0.gguf`) carries a chat template that compiles
/// and renders a conversation, checked on the GGUF metadata and tokenizer alone (chatting with
/// each model through it is `ChatTemplateSessionTests`).
@Suite struct FixtureModelTemplateTests {
    @Test(.fixtures("synthetic")) func everyTinyModelsTemplateRenders() throws {
        let folder = try Fixtures.path("synthetic")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix("tiny-") && $0.hasSuffix("-Q8_0.gguf") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            let metadata = try GGUFFile(path: (folder as NSString).appendingPathComponent(file)).metadata
            // Some pre-tokenizers are not read yet; the templates render without BOS/EOS texts then.
            let tokenizer = try? LlamaTokenizer(metadata: metadata)
            let template = try #require(try ChatTemplate.modelTemplate(metadata: metadata, tokenizer: tokenizer), "\(file)")
            #expect(template.name == nil, "\(file) has no tokenizer.chat_template of its own")
            let conversation: [ChatMessage] = [.user("Hi"), .assistant("Hello! How can I help?"), .user("Name three colours.")]
            for generationPrompt in [true, false] {
                let prompt = try template.render(conversation, addGenerationPrompt: generationPrompt, variables: [:])
                #expect(prompt.contains("Name three colours."), "\(file)")
                #expect(prompt.contains("Hello! How can I help?"), "\(file)")
            }
            // Encoded as a chat prompt is (special tokens parsed, BOS added by the tokenizer
            // once): no doubled BOS at the start.
            if let tokenizer, let bos = tokenizer.bosTokenID {
                let prompt = try template.render(conversation, addGenerationPrompt: true, variables: [:])
                let tokens = tokenizer.encode(prompt, addSpecial: true, parseSpecial: true)
                #expect(Array(tokens.prefix(2)) != [bos, bos], "\(file): \(tokens.prefix(8))")
            }
        }
    }
}
