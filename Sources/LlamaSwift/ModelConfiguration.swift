import Foundation
import GGUF

/// The hyper-parameters every decoder-only family has, read from the `<architecture>.*` keys of
/// a GGUF file (`llama.embedding_length`, ...). A family reads any keys of its own beside these.
public struct ModelConfiguration: Sendable, Equatable {
    /// The file's `general.architecture`.
    public var architecture: String = "llama"
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

    /// Width of one attention head (`<arch>.attention.key_length`, default: the embedding
    /// length over the head count).
    public var headDimension: Int
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
        headDimension = embeddingLength / max(headCount, 1)
    }

    /// Reads the configuration from GGUF metadata, through the family that
    /// `general.architecture` names.
    ///
    /// - Throws: ``LlamaError/unsupportedArchitecture(_:)`` when no family reads the
    ///   architecture, ``LlamaError/missingMetadata(key:)`` naming the first absent required key,
    ///   and ``LlamaError/invalidMetadata(key:reason:)`` for values that cannot describe a model.
    public init(metadata: GGUFMetadata) throws(LlamaError) {
        let architecture = try Self.read("general.architecture") { () throws(GGUFError) in
            try metadata.string("general.architecture")
        }
        self = try ModelRegistry.family(for: architecture).configuration(metadata, architecture: architecture)
    }

    /// Reads the keys every family shares, under the `architecture.` prefix.
    init(standardKeysOf metadata: GGUFMetadata, architecture: String) throws(LlamaError) {
        let prefix = architecture + "."
        func int(_ key: String) throws(LlamaError) -> Int {
            try Self.read(prefix + key) { () throws(GGUFError) in try metadata.int(prefix + key) }
        }
        func optionalInt(_ key: String) throws(LlamaError) -> Int? {
            metadata.contains(prefix + key) ? try int(key) : nil
        }
        func float(_ key: String) throws(LlamaError) -> Float {
            try Self.read(prefix + key) { () throws(GGUFError) in try metadata.float(prefix + key) }
        }

        self.architecture = architecture
        embeddingLength = try int("embedding_length")
        blockCount = try int("block_count")
        feedForwardLength = try int("feed_forward_length")
        headCount = try int("attention.head_count")
        keyValueHeadCount = try optionalInt("attention.head_count_kv") ?? headCount
        rmsNormEpsilon = try float("attention.layer_norm_rms_epsilon")
        contextLength = try int("context_length")
        ropeFrequencyBase = metadata.contains(prefix + "rope.freq_base") ? try float("rope.freq_base") : 10000
        if let size = try optionalInt("vocab_size") {
            vocabularySize = size
        } else if let tokens = metadata["tokenizer.ggml.tokens"], case .array(let array) = tokens {
            vocabularySize = array.count
        } else {
            throw .missingMetadata(key: prefix + "vocab_size")
        }
        headDimension = try optionalInt("attention.key_length") ?? (headCount > 0 ? embeddingLength / headCount : 0)
        ropeDimensionCount = try optionalInt("rope.dimension_count") ?? headDimension
        try validate()
    }

    /// RoPE's angular frequency of each rotated pair `i`: `base^(-2i / ropeDimensionCount)`
    /// (`base` defaults to ``ropeFrequencyBase``), divided by `linearFactor` (linear position
    /// scaling) and by `factors[i]` when the file has them (`rope_freqs.weight`, LLaMA 3.1's
    /// long-context scaling).
    func ropeFrequencies(base: Float? = nil, linearFactor: Float = 1, factors: [Float]? = nil) -> [Double] {
        let base = Double(base ?? ropeFrequencyBase)
        return (0..<ropeDimensionCount / 2).map { i in
            let frequency = pow(base, -2 * Double(i) / Double(ropeDimensionCount))
            return frequency / Double(linearFactor) / Double(factors?[i] ?? 1)
        }
    }

    private func validate() throws(LlamaError) {
        func positive(_ value: Int, _ key: String) throws(LlamaError) {
            guard value > 0 else { throw .invalidMetadata(key: key, reason: "\(value) is not positive") }
        }
        try positive(embeddingLength, "\(architecture).embedding_length")
        try positive(blockCount, "\(architecture).block_count")
        try positive(feedForwardLength, "\(architecture).feed_forward_length")
        try positive(headCount, "\(architecture).attention.head_count")
        try positive(keyValueHeadCount, "\(architecture).attention.head_count_kv")
        try positive(contextLength, "\(architecture).context_length")
        try positive(vocabularySize, "\(architecture).vocab_size")
        guard headDimension > 0 else {
            throw .invalidMetadata(
                key: "\(architecture).attention.head_count",
                reason: "\(headCount) heads leave no width per head of the embedding length \(embeddingLength)")
        }
        guard headCount % keyValueHeadCount == 0 else {
            throw .invalidMetadata(
                key: "\(architecture).attention.head_count_kv",
                reason: "\(keyValueHeadCount) key/value heads do not divide \(headCount) query heads")
        }
        guard ropeDimensionCount > 0, ropeDimensionCount <= headDimension, ropeDimensionCount % 2 == 0 else {
            throw .invalidMetadata(
                key: "\(architecture).rope.dimension_count",
                reason: "\(ropeDimensionCount) must be even and between 2 and the head width \(headDimension)")
        }
        guard rmsNormEpsilon > 0 else {
            throw .invalidMetadata(key: "\(architecture).attention.layer_norm_rms_epsilon", reason: "\(rmsNormEpsilon) is not positive")
        }
        guard ropeFrequencyBase > 0 else {
            throw .invalidMetadata(key: "\(architecture).rope.freq_base", reason: "\(ropeFrequencyBase) is not positive")
        }
    }

    private static func read<T>(_ key: String, _ body: () throws(GGUFError) -> T) throws(LlamaError) -> T {
        do { return try body() } catch { throw LlamaError(error, path: "") }
    }
}
