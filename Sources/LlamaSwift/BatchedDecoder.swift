import LlamaTokenizer

/// Several sequences of one ``LlamaModel`` evaluated together: each pass holds one or more
/// tokens of every sequence given, each with its own KV cache and positions, so every weight is
/// read once per step for all of them. On a CPU, where decoding one token is bound by reading
/// the weights, N sequences decode at nearly N times the aggregate rate of one.
///
/// ```swift
/// let decoder = try BatchedDecoder(model: model, sequences: 4, contextSize: 512)
/// let texts = try decoder.generate(prompts: ["Once upon a time", "The cat", "In the sea", "Tom"],
///                                  parameters: .greedy(maxTokens: 64))
/// ```
///
/// The lower-level ``append(_:)`` evaluates any tokens for any sequences and returns their
/// logits, for callers that run their own scheduling (a server's continuous batching).
/// Not thread-safe: use one decoder from one thread at a time.
public final class BatchedDecoder: @unchecked Sendable {
    /// The model the sequences run.
    public let model: LlamaModel
    /// Positions each sequence can hold.
    public let contextSize: Int
    /// Rows evaluated per pass at most.
    public let batchSize: Int
    private let caches: [any SequenceCache]
    private let workspace: AnyObject
    /// The tokens in each sequence's cache.
    private var histories: [[Int32]]

    /// A decoder for `sequences` sequences of `contextSize` positions each.
    ///
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` for counts below 1 or a
    ///   cache type the backend cannot use.
    public init(model: LlamaModel, sequences: Int, contextSize: Int? = nil, batchSize: Int = 512, cacheType: KVCacheType = .f16) throws(LlamaError) {
        guard sequences >= 1 else {
            throw .invalidParameter(name: "--sequences", value: "\(sequences)", reason: "must be at least 1")
        }
        guard batchSize >= 1 else {
            throw .invalidParameter(name: "--batch-size", value: "\(batchSize)", reason: "must be at least 1")
        }
        let context = contextSize ?? min(model.configuration.contextLength, 4096)
        guard context >= 1 else {
            throw .invalidParameter(name: "--ctx-size", value: "\(context)", reason: "must be at least 1")
        }
        self.model = model
        self.contextSize = context
        self.batchSize = batchSize
        var caches: [any SequenceCache] = []
        for _ in 0..<sequences { caches.append(try model.runtime.makeCache(capacity: context, type: cacheType)) }
        self.caches = caches
        workspace = model.runtime.makeWorkspace()
        histories = Array(repeating: [], count: sequences)
    }

    /// Number of sequences.
    public var sequenceCount: Int { caches.count }

    /// The tokens in the cache of `sequence`.
    public func tokens(of sequence: Int) -> [Int] { histories[sequence].map(Int.init) }

    /// Forgets the positions of `sequence` from `count` on (0: all of them).
    public func truncate(sequence: Int, to count: Int) {
        histories[sequence].removeSubrange(min(count, histories[sequence].count)...)
    }

    /// Evaluates each entry's tokens after those already in its sequence's cache, all entries in
    /// the same passes, and returns the logits of each entry's last token, in order.
    ///
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` for an unknown sequence or
    ///   one named twice, ``LlamaError/emptyInput`` for an entry without tokens,
    ///   ``LlamaError/contextOverflow(tokens:contextSize:)`` and
    ///   ``LlamaError/invalidToken(id:vocabularySize:)``.
    public func append(_ entries: [(sequence: Int, tokens: [Int])]) throws(LlamaError) -> [[Float]] {
        var seen = Set<Int>()
        for entry in entries {
            guard (0..<caches.count).contains(entry.sequence), seen.insert(entry.sequence).inserted else {
                throw .invalidParameter(name: "sequence", value: "\(entry.sequence)", reason: "must be a distinct index below \(caches.count)")
            }
            guard !entry.tokens.isEmpty else { throw .emptyInput }
        }
        let ids = try entries.map { (entry) throws(LlamaError) in try model.checkedTokens(entry.tokens) }
        let vocabulary = model.configuration.vocabularySize
        var logits = [Float](repeating: 0, count: entries.count * vocabulary)
        try logits.withUnsafeMutableBufferPointer { (buffer) throws(LlamaError) in
            let inputs = entries.enumerated().map { i, entry in
                SequenceInput(
                    cache: caches[entry.sequence], tokens: ids[i][...], start: histories[entry.sequence].count,
                    logits: .last(buffer.baseAddress! + i * vocabulary))
            }
            try model.runtime.evaluate(inputs, batchSize: batchSize, workspace: workspace)
        }
        for (i, entry) in entries.enumerated() { histories[entry.sequence].append(contentsOf: ids[i]) }
        return (0..<entries.count).map { Array(logits[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
    }

    /// Continues every prompt (BOS added as the model asks), all sequences decoding together, and
    /// returns each one's generated text. Prompt `i` runs in sequence `i`, whose cache is cleared
    /// first; sampling is as ``LlamaSession/generate(prompt:parameters:)``'s, with one sampler per
    /// sequence (a seed gives each the same draws it would get alone).
    ///
    /// - Throws: ``LlamaError`` for bad parameters, more prompts than sequences, or a prompt that
    ///   does not fit the context.
    public func generate(prompts: [String], parameters: GenerationParameters) throws(LlamaError) -> [String] {
        try generate(prompts: prompts, parameters: prompts.map { _ in parameters })
    }

    /// ``generate(prompts:parameters:)`` with parameters of each sequence's own: prompt `i` is
    /// sampled with `parameters[i]` (its seed, constraint, limits and stop strings).
    ///
    /// - Throws: ``LlamaError`` as ``generate(prompts:parameters:)``, and
    ///   ``LlamaError/invalidParameter(name:value:reason:)`` when the counts differ.
    public func generate(prompts: [String], parameters: [GenerationParameters]) throws(LlamaError) -> [String] {
        guard parameters.count == prompts.count else {
            throw .invalidParameter(name: "parameters", value: "\(parameters.count)", reason: "one per prompt (\(prompts.count)) is needed")
        }
        for p in parameters { try p.validate() }
        guard prompts.count <= caches.count else {
            throw .invalidParameter(name: "prompts", value: "\(prompts.count)", reason: "more than the \(caches.count) sequences")
        }
        let vocabulary = model.configuration.vocabularySize
        for i in prompts.indices { truncate(sequence: i, to: 0) }
        let tokens = prompts.map { model.tokenize($0, addSpecial: true, parseSpecial: false) }
        for prompt in tokens where prompt.count > contextSize {
            throw .contextOverflow(tokens: prompt.count, contextSize: contextSize)
        }
        var logits = try append(tokens.enumerated().map { ($0, $1) })
        let samplers = parameters.map { Sampler(parameters: $0, vocabularySize: vocabulary) }
        var constraints = try parameters.map { (p) throws(LlamaError) in
            try p.constraint.map { (c) throws(LlamaError) in try ConstrainedSampling(c, vocabulary: model.grammarVocabulary) }
        }
        var decoders = prompts.map { _ in StreamingDecoder(tokenizer: model.tokenizer) }
        var stops = parameters.map { StopSequenceMatcher(stops: $0.stop) }
        var texts = prompts.map { _ in "" }
        var generated = prompts.map { _ in 0 }
        var active = prompts.indices.filter { parameters[$0].maxTokens != 0 }
        while !active.isEmpty {
            var next: [(sequence: Int, tokens: [Int])] = []
            for (row, i) in active.enumerated() {
                let token = try samplers[i].draw(&logits[row], history: histories[i][...], constraint: constraints[i])
                if model.tokenizer.isEndOfGeneration(Int(token)) { continue }
                let complete = try constraints[i]?.accept(Int(token)) ?? false
                generated[i] += 1
                let (text, stopped) = stops[i].append(decoders[i].append(Int(token)))
                texts[i] += text
                if stopped {
                    stops[i] = StopSequenceMatcher(stops: [])
                    decoders[i] = StreamingDecoder(tokenizer: model.tokenizer)
                    continue
                }
                let done = complete || generated[i] == parameters[i].maxTokens || histories[i].count == contextSize
                if !done { next.append((i, [Int(token)])) }
            }
            // A sequence that ends gives what its decoder and stop matcher still hold (nothing
            // after a stop string: both were cleared there).
            for i in active where !next.contains(where: { $0.sequence == i }) {
                texts[i] += stops[i].append(decoders[i].flush()).emit + stops[i].flush()
            }
            active = next.map(\.sequence)
            if !next.isEmpty { logits = try append(next) }
        }
        return texts
    }
}
