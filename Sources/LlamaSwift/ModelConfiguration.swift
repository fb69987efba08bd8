import GGUF

/// The hyper-parameters of a LLaMA model, read from the `llama.*` keys of a GGUF file.
public struct ModelConfiguration: Sendable, Equatable {
    /// Width of the residual stream (`llama.embedding_length`).
    public var embeddingLength: Int
    /// Number of transformer blocks (`llama.block_count`).
    public var blockCount: Int
    /// Hidden width of the feed-forward network (`llama.feed_forward_length`).
    public var feedForwardLength: Int
    /// Number of query heads (`llama.attention.head_count`).
    public var headCount: Int
    /// Number of key/value heads (`llama.attention.head_count_kv`, default: `headCount`).
    public var keyValueHeadCount: Int
    /// Number of leading dimensions of each head that RoPE rotates (`llama.rope.dimension_count`,
    /// default: the head width).
    public var ropeDimensionCount: Int
    /// RoPE base frequency (`llama.rope.freq_base`, default 10000).
    public var ropeFrequencyBase: Float
    /// Epsilon of the RMS norms (`llama.attention.layer_norm_rms_epsilon`).
    public var rmsNormEpsilon: Float
    /// Context length the model was trained for (`llama.context_length`).
    public var contextLength: Int
    /// Number of tokens in the vocabulary (`llama.vocab_size`, else the tokenizer's token count).
    public var vocabularySize: Int

    /// Width of one attention head.
    public var headDimension: Int { embeddingLength / headCount }
    /// Width of all key (or value) heads together.
    public var keyValueDimension: Int { keyValueHeadCount * headDimension }

    /// Creates a configuration from explicit values.
    public init(
        embeddingLength: Int, blockCount: Int, feedForwardLength: Int, headCount: Int,
        keyValueHeadCount: Int, ropeDimensionCount: Int, ropeFrequencyBase: Float = 10000,
        rmsNormEpsilon: Float, contextLength: Int, vocabularySize: Int
    ) {
        self.embeddingLength = embeddingLength
        self.blockCount = blockCount
        self.feedForwardLength = feedForwardLength
        self.headCount = headCount
        self.keyValueHeadCount = keyValueHeadCount
        self.ropeDimensionCount = ropeDimensionCount
        self.ropeFrequencyBase = ropeFrequencyBase
        self.rmsNormEpsilon = rmsNormEpsilon
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
    }

    /// Reads the configuration from GGUF metadata.
    ///
    /// - Throws: ``LlamaError/unsupportedArchitecture(_:)`` when `general.architecture` is not
    ///   `llama`, ``LlamaError/missingMetadata(key:)`` naming the first absent required key, and
    ///   ``LlamaError/invalidMetadata(key:reason:)`` for values that cannot describe a model.
    public init(metadata: GGUFMetadata) throws(LlamaError) {
        let architecture = try Self.read("general.architecture") { () throws(GGUFError) in
            try metadata.string("general.architecture")
        }
        guard architecture == "llama" else { throw .unsupportedArchitecture(architecture) }

        func int(_ key: String) throws(LlamaError) -> Int {
            try Self.read(key) { () throws(GGUFError) in try metadata.int(key) }
        }
        func optionalInt(_ key: String) throws(LlamaError) -> Int? {
            metadata.contains(key) ? try int(key) : nil
        }
        func float(_ key: String) throws(LlamaError) -> Float {
            try Self.read(key) { () throws(GGUFError) in try metadata.float(key) }
        }

        embeddingLength = try int("llama.embedding_length")
        blockCount = try int("llama.block_count")
        feedForwardLength = try int("llama.feed_forward_length")
        headCount = try int("llama.attention.head_count")
        keyValueHeadCount = try optionalInt("llama.attention.head_count_kv") ?? headCount
        rmsNormEpsilon = try float("llama.attention.layer_norm_rms_epsilon")
        contextLength = try int("llama.context_length")
        ropeFrequencyBase = metadata.contains("llama.rope.freq_base") ? try float("llama.rope.freq_base") : 10000
        if let size = try optionalInt("llama.vocab_size") {
            vocabularySize = size
        } else if let tokens = metadata["tokenizer.ggml.tokens"], case .array(let array) = tokens {
            vocabularySize = array.count
        } else {
            throw .missingMetadata(key: "llama.vocab_size")
        }
        let headWidth = headCount > 0 ? embeddingLength / headCount : 0
        ropeDimensionCount = try optionalInt("llama.rope.dimension_count") ?? headWidth
        try validate()
    }

    private func validate() throws(LlamaError) {
        func positive(_ value: Int, _ key: String) throws(LlamaError) {
            guard value > 0 else { throw .invalidMetadata(key: key, reason: "\(value) is not positive") }
        }
        try positive(embeddingLength, "llama.embedding_length")
        try positive(blockCount, "llama.block_count")
        try positive(feedForwardLength, "llama.feed_forward_length")
        try positive(headCount, "llama.attention.head_count")
        try positive(keyValueHeadCount, "llama.attention.head_count_kv")
        try positive(contextLength, "llama.context_length")
        try positive(vocabularySize, "llama.vocab_size")
        guard embeddingLength % headCount == 0 else {
            throw .invalidMetadata(
                key: "llama.attention.head_count",
                reason: "\(headCount) heads do not divide the embedding length \(embeddingLength)")
        }
        guard headCount % keyValueHeadCount == 0 else {
            throw .invalidMetadata(
                key: "llama.attention.head_count_kv",
                reason: "\(keyValueHeadCount) key/value heads do not divide \(headCount) query heads")
        }
        guard ropeDimensionCount > 0, ropeDimensionCount <= headDimension, ropeDimensionCount % 2 == 0 else {
            throw .invalidMetadata(
                key: "llama.rope.dimension_count",
                reason: "\(ropeDimensionCount) must be even and between 2 and the head width \(headDimension)")
        }
        guard rmsNormEpsilon > 0 else {
            throw .invalidMetadata(key: "llama.attention.layer_norm_rms_epsilon", reason: "\(rmsNormEpsilon) is not positive")
        }
        guard ropeFrequencyBase > 0 else {
            throw .invalidMetadata(key: "llama.rope.freq_base", reason: "\(ropeFrequencyBase) is not positive")
        }
    }

    private static func read<T>(_ key: String, _ body: () throws(GGUFError) -> T) throws(LlamaError) -> T {
        do { return try body() } catch { throw LlamaError(error, path: "") }
    }
}
