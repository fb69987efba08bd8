import Jinja
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

    /// How the cache stores keys and values.
    public nonisolated let cacheType: KVCacheType
    /// The keys and values of ``history``, in the backend's memory.
    let cache: any SequenceCache
    /// Prompt tokens evaluated per pass.
    let batchSize: Int
    /// The session's working memory for its passes.
    private let workspace: AnyObject
    /// The logits of the last token evaluated.
    private var logits: [Float]
    /// The tokens whose keys and values are in the cache, in order.
    var history: [Int32]
    private static let logger = Logger(label: "LlamaSwift.LlamaSession")

    init(model: LlamaModel, cache: any SequenceCache, batchSize: Int) {
        self.model = model
        self.cache = cache
        self.batchSize = batchSize
        cacheType = cache.type
        contextSize = cache.capacity
        workspace = model.runtime.makeWorkspace()
        logits = [Float](repeating: 0, count: model.configuration.vocabularySize)
        history = []
        history.reserveCapacity(cache.capacity)
    }

    /// Bytes of memory the session's KV cache holds.
    public var byteCount: Int { cache.byteCount }

    /// Evaluates `tokens` at positions `start...`, keeping their keys and values, and leaves the
    /// last one's logits in ``logits``.
    private func evaluate(_ tokens: [Int32], at start: Int) throws(LlamaError) {
        try logits.withUnsafeMutableBufferPointer { (buffer) throws(LlamaError) in
            try model.runtime.evaluate(
                [SequenceInput(cache: cache, tokens: tokens[...], start: start, logits: .last(buffer.baseAddress!))],
                batchSize: batchSize, workspace: workspace)
        }
    }

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

    /// Answers the conversation `messages`, rendered with `template` (the model's
    /// ``LlamaModel/chatTemplate`` when `nil`; see ``LlamaModel/chatTemplate(named:)`` and
    /// ``LlamaModel/chatTemplate(jinja:)`` for others), streaming the assistant's reply.
    /// `variables` are further template variables (`enable_thinking`, `date_string`, `tools`...).
    ///
    /// The stream throws ``LlamaError/chatTemplateFailed(_:)`` with the template's message when it
    /// raises (roles not alternating, say), and ``LlamaError/missingMetadata(key:)`` for
    /// `tokenizer.chat_template` when no template is given and the model has none.
    public nonisolated func chat(
        messages: [ChatMessage], parameters: GenerationParameters = GenerationParameters(),
        template: ChatTemplate? = nil, variables: [String: Value] = [:]
    ) -> AsyncThrowingStream<String, Error> {
        chatText(messages: messages, tools: [], parameters: parameters, template: template, variables: variables)
    }

    /// ``chat(messages:parameters:template:variables:)`` with `tools` rendered into the prompt
    /// (see ``LlamaTokenizer/ChatTemplate/render(_:tools:addGenerationPrompt:variables:)``),
    /// streaming the reply's raw text, calls included: for callers that read the calls
    /// themselves (``ToolCallStream``). ``chat(messages:tools:toolChoice:parameters:template:variables:)``
    /// parses them.
    public nonisolated func chatText(
        messages: [ChatMessage], tools: [ToolDefinition], parameters: GenerationParameters,
        template: ChatTemplate?, variables: [String: Value]
    ) -> AsyncThrowingStream<String, Error> {
        do {
            return stream(tokens: try chatPrompt(messages, tools: tools, template: template, variables: variables), parameters: parameters)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// The tokens of the prompt `template` (else the model's) renders for `messages`.
    private nonisolated func chatPrompt(
        _ messages: [ChatMessage], tools: [ToolDefinition], template: ChatTemplate?, variables: [String: Value]
    ) throws(LlamaError) -> [Int] {
        guard let template = template ?? model.chatTemplate else { throw .missingMetadata(key: "tokenizer.chat_template") }
        let prompt: String
        do {
            prompt = try template.render(messages, tools: tools, addGenerationPrompt: true, variables: variables)
        } catch {
            throw .chatTemplateFailed(error.description)
        }
        return model.tokenizeChatPrompt(prompt)
    }

    /// The logits after each of `tokens`, evaluated from position 0 (the cache is cleared
    /// first): row `i` scores the token that follows `tokens[0...i]`. With `lastOnly`, only the
    /// last row.
    public func logits(for tokens: [Int], lastOnly: Bool = false) throws(LlamaError) -> [[Float]] {
        history.removeAll(keepingCapacity: true)
        let rows = try model.logitsOfEveryPosition(tokens, cache: cache, batchSize: batchSize, workspace: workspace)
        history = tokens.map { Int32(truncatingIfNeeded: $0) }
        logits = rows[rows.count - 1]
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
        let ids = try model.checkedTokens(tokens)
        try evaluate(ids, at: history.count)
        history.append(contentsOf: ids)
        return logits
    }

    /// Forgets every cached token.
    public func reset() {
        history.removeAll(keepingCapacity: true)
    }

    private nonisolated func stream(tokens: [Int], parameters: GenerationParameters) -> AsyncThrowingStream<String, Error> {
        let (stream, continuation) = AsyncThrowingStream<String, Error>.makeStream()
        let task = Task {
            do {
                try await self.run(prompt: tokens, parameters: parameters) {
                    continuation.yield($0)
                    return true
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The generation loop: evaluate the new part of the prompt, then sample, emit and evaluate
    /// one token at a time, until `emit` returns false or the generation ends.
    private func run(prompt: [Int], parameters: GenerationParameters, emit: (String) -> Bool) throws(LlamaError) {
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
        try evaluate(fresh, at: reused)
        history.append(contentsOf: fresh)
        statistics.promptTokens = fresh.count
        statistics.promptSeconds = (clock.now - promptStart) / .seconds(1)

        let sampler = Sampler(parameters: parameters, vocabularySize: vocabulary)
        var constrained = try parameters.constraint.map { (c) throws(LlamaError) in
            try ConstrainedSampling(c, vocabulary: model.grammarVocabulary)
        }
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        var stops = StopSequenceMatcher(stops: parameters.stop)
        let generationStart = clock.now
        defer { statistics.generationSeconds = (clock.now - generationStart) / .seconds(1) }
        while parameters.maxTokens < 0 || statistics.generatedTokens < parameters.maxTokens {
            if Task.isCancelled { return }
            let token = try sampler.draw(&logits, history: history[...], constraint: constrained)
            if model.tokenizer.isEndOfGeneration(Int(token)) { break }
            // The grammar is complete when nothing may follow: the text ends there.
            let complete = try constrained?.accept(Int(token)) ?? false
            statistics.generatedTokens += 1
            let (text, stopped) = stops.append(decoder.append(Int(token)))
            if !text.isEmpty, !emit(text) { return }
            if stopped { return }
            let done = complete || statistics.generatedTokens == parameters.maxTokens || history.count == contextSize
            if done { break }
            try evaluate([token], at: history.count)
            history.append(token)
        }
        if history.count == contextSize {
            Self.logger.debug("context of \(contextSize) tokens is full")
        }
        let rest = stops.append(decoder.flush()).emit + stops.flush()
        if !rest.isEmpty { _ = emit(rest) }
    }

    /// ``generate(prompt:parameters:)`` handing each piece to `onPiece` as it is produced, on
    /// the session's executor, instead of streaming it; returning false from `onPiece` stops the
    /// generation there. For callers that cannot iterate a stream, such as the C API.
    ///
    /// - Throws: ``LlamaError`` as the stream does.
    public func generate(prompt: String, parameters: GenerationParameters, onPiece: @Sendable (String) -> Bool) throws(LlamaError) {
        try run(prompt: model.tokenize(prompt, addSpecial: true, parseSpecial: false), parameters: parameters, emit: onPiece)
    }

    /// ``chat(messages:parameters:template:variables:)`` handing each piece of the reply to
    /// `onPiece`, as ``generate(prompt:parameters:onPiece:)`` does.
    public func chat(
        messages: [ChatMessage], parameters: GenerationParameters, template: ChatTemplate?, onPiece: @Sendable (String) -> Bool
    ) throws(LlamaError) {
        try run(prompt: chatPrompt(messages, tools: [], template: template, variables: [:]), parameters: parameters, emit: onPiece)
    }
}
