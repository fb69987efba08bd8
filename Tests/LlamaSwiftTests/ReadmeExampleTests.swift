import FixtureSupport
import LlamaSwift
import Testing

/// The README's library example, run on the fixtures (stories260K has no chat template, so the
/// chat half runs on the synthetic LLaMA 3 model, whose vocabulary implies one).
@Suite struct ReadmeExampleTests {
    @Test(.fixtures("stories260K.gguf")) func generateAsInTheReadme() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try await LlamaModel.load(path: path)
        let session = try model.makeSession(contextSize: 128)

        var parameters = GenerationParameters()
        parameters.temperature = 0.7
        parameters.maxTokens = 24
        parameters.seed = 42
        var text = ""
        for try await piece in session.generate(prompt: "Once upon a time", parameters: parameters) {
            text += piece
        }
        #expect(!text.isEmpty)
        let generated = await session.statistics.generatedTokens
        #expect(generated > 0 && generated <= 24)
    }

    @Test(.fixtures("synthetic/tiny-llama3-Q4_0.gguf")) func chatAsInTheReadme() async throws {
        let path = try Fixtures.path("synthetic/tiny-llama3-Q4_0.gguf")
        let model = try await LlamaModel.load(path: path)
        let session = try model.makeSession(contextSize: 256)
        let reply = session.chat(messages: [.system("You are terse."), .user("Name three colours.")],
                                 parameters: .greedy(maxTokens: 8))
        for try await _ in reply {}
        let generated = await session.statistics.generatedTokens
        #expect((1...8).contains(generated))
        // The system and user turns plus the template's headers.
        #expect(await session.statistics.promptTokens > 15)
    }
}
