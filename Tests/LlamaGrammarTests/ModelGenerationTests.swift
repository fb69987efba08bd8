import FixtureSupport
import LlamaGrammar
import LlamaSwift
import Testing

/// Generation from a real model (SmolLM2) under each of the example grammars, checked by this
/// target's own recogniser, not the engine: a text that ended by itself (the model's end token
/// where the grammar is complete, or nothing more allowed) is a sentence of the grammar, and one
/// cut at the token limit is the start of a sentence.
@Suite(.serialized) struct ModelGenerationTests {
    static let model = "SmolLM2-135M-Instruct.Q4_1.gguf"
    static let maxTokens = 160

    @Test(.fixtures(model), arguments: Fixtures.all.map(\.0))
    func modelOutputIsASentence(name: String) async throws {
        let gbnf = Fixtures.all.first { $0.0 == name }!.1
        let grammar = try Grammar(gbnf: gbnf)
        let llama = try LlamaModel(path: try FixtureSupport.Fixtures.path(Self.model), threads: 2)
        let session = try llama.makeSession(contextSize: 512)
        for seed in 1...3 as ClosedRange<UInt64> {
            var parameters = GenerationParameters()
            parameters.temperature = 0.8
            parameters.seed = seed
            parameters.maxTokens = Self.maxTokens
            parameters.constraint = .grammar(gbnf)
            var text = ""
            for try await piece in session.chat(messages: [.user("Write a short example of \(name).")], parameters: parameters) {
                text += piece
            }
            #expect(!text.isEmpty)
            if await session.statistics.generatedTokens == Self.maxTokens {
                #expect(Recognizer.acceptsPrefix(grammar, text), "seed \(seed), cut at the limit: \(text.debugDescription)")
            } else {
                #expect(Recognizer.accepts(grammar, text), "seed \(seed): \(text.debugDescription)")
            }
        }
    }

    /// The prefix check rejects what no sentence starts with, so the cut texts are really checked.
    @Test func prefixRecogniserRejectsWhatNoSentenceStartsWith() throws {
        let arithmetic = try Grammar(gbnf: Fixtures.arithmetic)
        #expect(Recognizer.acceptsPrefix(arithmetic, "1 +"))
        #expect(Recognizer.acceptsPrefix(arithmetic, "(a+b)*c = d\ne="))
        #expect(!Recognizer.acceptsPrefix(arithmetic, "1 +="))
        #expect(!Recognizer.acceptsPrefix(arithmetic, "="))
        let chess = try Grammar(gbnf: Fixtures.chess)
        #expect(Recognizer.acceptsPrefix(chess, "1. e4 e5\n2. Nf"))
        #expect(!Recognizer.acceptsPrefix(chess, "1. e9"))
        #expect(!Recognizer.accepts(chess, "1. e4 e5\n2. Nf"))
    }
}
