import GGUF

/// The shape of a LLaMA model, as the Vulkan forward pass needs it.
public struct VulkanHyperparameters: Sendable, Equatable {
    /// Width of the residual stream (`llama.embedding_length`).
    public var embeddingLength: Int
    /// Number of transformer blocks.
    public var layerCount: Int
    /// Query heads per layer.
    public var headCount: Int
    /// Key/value heads per layer (equal to ``headCount`` without grouped-query attention).
    public var headCountKV: Int
    /// Hidden width of the feed-forward network.
    public var feedForwardLength: Int
    /// Number of leading elements of each head that RoPE rotates (usually the head dimension).
    public var ropeDimensionCount: Int
    /// RoPE frequency base (10000 for LLaMA 2, 500000 for LLaMA 3).
    public var ropeFreqBase: Float
    /// Epsilon of RMSNorm.
    public var rmsEpsilon: Float
    /// Number of logits per token.
    public var vocabularySize: Int
    /// Whether the output projection reuses `token_embd.weight` (no `output.weight` tensor).
    public var tiedOutput: Bool

    /// Elements per attention head.
    public var headDimension: Int { embeddingLength / headCount }

    /// Hyperparameters given one by one.
    public init(
        embeddingLength: Int, layerCount: Int, headCount: Int, headCountKV: Int, feedForwardLength: Int,
        ropeDimensionCount: Int, ropeFreqBase: Float, rmsEpsilon: Float, vocabularySize: Int, tiedOutput: Bool
    ) {
        self.embeddingLength = embeddingLength
        self.layerCount = layerCount
        self.headCount = headCount
        self.headCountKV = headCountKV
        self.feedForwardLength = feedForwardLength
        self.ropeDimensionCount = ropeDimensionCount
        self.ropeFreqBase = ropeFreqBase
        self.rmsEpsilon = rmsEpsilon
        self.vocabularySize = vocabularySize
        self.tiedOutput = tiedOutput
    }

    /// Reads the hyperparameters from a LLaMA GGUF file's `<arch>.*` metadata, with llama.cpp's
    /// defaults for optional keys (KV heads = heads, RoPE dimensions = head dimension, RoPE base
    /// 10000, vocabulary size = rows of `token_embd.weight`).
    public init(file: GGUFFile) throws(VulkanError) {
        let metadata = file.metadata
        let architecture: String
        do { architecture = try metadata.string("general.architecture") } catch { throw .invalidModel("\(error)") }
        func int(_ key: String, default fallback: Int? = nil) throws(VulkanError) -> Int {
            let name = "\(architecture).\(key)"
            if !metadata.contains(name), let fallback { return fallback }
            do { return try metadata.int(name) } catch { throw .invalidModel("\(error)") }
        }
        func float(_ key: String, default fallback: Float? = nil) throws(VulkanError) -> Float {
            let name = "\(architecture).\(key)"
            if !metadata.contains(name), let fallback { return fallback }
            do { return try metadata.float(name) } catch { throw .invalidModel("\(error)") }
        }
        guard let embeddings = file.tensorIfPresent(named: "token_embd.weight") else {
            throw .invalidModel("no tensor 'token_embd.weight'")
        }
        let embeddingLength = try int("embedding_length")
        let headCount = try int("attention.head_count")
        guard headCount > 0 else { throw .invalidModel("\(architecture).attention.head_count is 0") }
        self.init(
            embeddingLength: embeddingLength,
            layerCount: try int("block_count"),
            headCount: headCount,
            headCountKV: try int("attention.head_count_kv", default: headCount),
            feedForwardLength: try int("feed_forward_length"),
            ropeDimensionCount: try int("rope.dimension_count", default: embeddingLength / headCount),
            ropeFreqBase: try float("rope.freq_base", default: 10000),
            rmsEpsilon: try float("attention.layer_norm_rms_epsilon"),
            vocabularySize: try int("vocab_size", default: embeddings.rowCount),
            tiedOutput: file.tensorIfPresent(named: "output.weight") == nil
        )
    }
}
