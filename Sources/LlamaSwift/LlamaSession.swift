import LlamaTokenizer
import Logging

/// One conversation with a ``LlamaModel``: it owns a KV cache and generates text.
///
/// A session remembers the tokens in its cache. When a new prompt starts with tokens the cache
/// already holds (the earlier turns of a chat, say), only the rest is evaluated.
///
/// Generation streams text as it is produced; stopping the iteration (or cancelling the task
/// that iterates) stops the work before the next token.
public actor LlamaSession {
    /// The model this session runs.
    public nonisolated let model: LlamaModel
    /// Positions the session's cache holds.
    public nonisolated let contextSize: Int
    /// Counts and timings of the last generation.
    public private(set) var statistics = GenerationStatistics()

    let transformer: any ForwardPass
    /// The tokens whose keys and values are in the cache, in order.
    var history: [Int32]
    private static let logger = Logger(label: "LlamaSwift.LlamaSession")

    init(model: LlamaModel, transformer: any ForwardPass) {
        self.model = model
        self.transformer = transformer
        contextSize = transformer.contextSize
        history = []
        history.reserveCapacity(transformer.contextSize)
    }

    /// Bytes of working memory the session holds: its KV cache and activation buffers.
    public var byteCount: Int { transformer.byteCount }

    /// Continues `prompt` (BOS added as the model asks), streaming the generated text.
    ///
    /// The stream ends at an end-of-generation token, after ``GenerationParameters/maxTokens``
    /// tokens, before a stop string, or when the context is full. It throws ``LlamaError`` for
    /// bad parameters or a prompt longer than the context.
    public nonisolated func generate(
        prompt: String, parameters: GenerationParameters = GenerationParameters()
    ) -> AsyncThrowingStream<String, Error> {
        let tokens = model.tokenize(prompt, addSpecial: true, parseSpecial: false)
        return stream(tokens: tokens, parameters: parameters)
    }

    /// Answers the conversation `messages`, rendered with the model's ``LlamaModel/chatTemplate``,
    /// streaming the assistant's reply. The stream throws
    /// ``LlamaError/missingMetadata(key:)`` for `tokenizer.chat_template` when the model has none.
    public nonisolated func chat(
        messages: [ChatMessage], parameters: GenerationParameters = GenerationParameters()
    ) -> AsyncThrowingStream<String, Error> {
        guard let template = model.chatTemplate else {
            return AsyncThrowingStream { $0.finish(throwing: LlamaError.missingMetadata(key: "tokenizer.chat_template")) }
        }
        let prompt = template.render(messages, addGenerationPrompt: true)
        return stream(tokens: model.tokenize(prompt, addSpecial: true, parseSpecial: true), parameters: parameters)
    }

    /// The logits after each of `tokens`, evaluated from position 0 (the cache is cleared
    /// first): row `i` scores the token that follows `tokens[0...i]`. With `lastOnly`, only the
    /// last row.
    public func logits(for tokens: [Int], lastOnly: Bool = false) throws(LlamaError) -> [[Float]] {
        history.removeAll(keepingCapacity: true)
        let rows = try transformer.logitsOfEveryPosition(tokens)
        history = tokens.map { Int32(truncatingIfNeeded: $0) }
        return lastOnly ? [rows[rows.count - 1]] : rows
    }

    /// Evaluates `tokens` after the ones already in the cache and returns the logits of the last,
    /// for callers that run their own decoding loop (and for benchmarks).
    ///
    /// - Throws: ``LlamaError/contextOverflow(tokens:contextSize:)`` when the cache cannot hold them,
    ///   ``LlamaError/invalidToken(id:vocabularySize:)`` for ids outside the vocabulary.
    public func append(_ tokens: [Int]) throws(LlamaError) -> [Float] {
        guard !tokens.isEmpty else { throw .emptyInput }
        guard history.count + tokens.count <= contextSize else {
            throw .contextOverflow(tokens: history.count + tokens.count, contextSize: contextSize)
        }
        let vocabulary = model.configuration.vocabularySize
        let ids = try tokens.map { (id: Int) throws(LlamaError) -> Int32 in
            guard (0..<vocabulary).contains(id) else { throw .invalidToken(id: id, vocabularySize: vocabulary) }
            return Int32(id)
        }
        try transformer.evaluate(ids[...], at: history.count, output: .last)
        history.append(contentsOf: ids)
        return Array(transformer.logits)
    }

    /// Forgets every cached token.
    public func reset() {
        history.removeAll(keepingCapacity: true)
    }

    private nonisolated func stream(tokens: [Int], parameters: GenerationParameters) -> AsyncThrowingStream<String, Error> {
        let (stream, continuation) = AsyncThrowingStream<String, Error>.makeStream()
        let task = Task {
            do {
                try await self.run(prompt: tokens, parameters: parameters) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The generation loop: evaluate the new part of the prompt, then sample, emit and evaluate
    /// one token at a time.
    private func run(prompt: [Int], parameters: GenerationParameters, emit: @Sendable (String) -> Void) throws(LlamaError) {
        try parameters.validate()
        guard !prompt.isEmpty else { throw .emptyInput }
        guard prompt.count <= contextSize else { throw .contextOverflow(tokens: prompt.count, contextSize: contextSize) }
        let vocabulary = model.configuration.vocabularySize
        for id in prompt where id < 0 || id >= vocabulary { throw .invalidToken(id: id, vocabularySize: vocabulary) }
        statistics = GenerationStatistics()
        let clock = ContinuousClock()

        // Keep the cached prefix the prompt shares; evaluate at least the last prompt token so
        // that its logits are fresh.
        var reused = 0
        while reused < min(history.count, prompt.count - 1) && Int(history[reused]) == prompt[reused] { reused += 1 }
        history.removeSubrange(reused...)
        let fresh = prompt[reused...].map { Int32($0) }
        let promptStart = clock.now
        try transformer.evaluate(fresh[...], at: reused, output: .last)
        history.append(contentsOf: fresh)
        statistics.promptTokens = fresh.count
        statistics.promptSeconds = (clock.now - promptStart) / .seconds(1)

        let sampler = Sampler(parameters: parameters, vocabularySize: vocabulary)
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        var stops = StopSequenceMatcher(stops: parameters.stop)
        let generationStart = clock.now
        defer { statistics.generationSeconds = (clock.now - generationStart) / .seconds(1) }
        while parameters.maxTokens < 0 || statistics.generatedTokens < parameters.maxTokens {
            if Task.isCancelled { return }
            let token = sampler.sample(logits: transformer.logits, history: history[...])
            if model.tokenizer.isEndOfGeneration(Int(token)) { break }
            statistics.generatedTokens += 1
            let (text, stopped) = stops.append(decoder.append(Int(token)))
            if !text.isEmpty { emit(text) }
            if stopped { return }
            let done = statistics.generatedTokens == parameters.maxTokens || history.count == contextSize
            if done { break }
            try transformer.evaluate([token], at: history.count, output: .last)
            history.append(token)
        }
        if history.count == contextSize {
            Self.logger.debug("context of \(contextSize) tokens is full")
        }
        let rest = stops.append(decoder.flush()).emit + stops.flush()
        if !rest.isEmpty { emit(rest) }
    }
}
