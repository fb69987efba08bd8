import Foundation
import GGUF

/// Gemma 2 (`gemma2`) and Gemma 3 (`gemma3`): pre- and post-normalised blocks. The embeddings
/// are scaled by √width; the attention and feed-forward outputs are normalised again
/// (`post_attention_norm`, `post_ffw_norm`) before each residual add; the feed-forward gate is
/// GELU (tanh form); RoPE turns the two halves of each head. Layers alternate between attention
/// over a sliding window (`attention.sliding_window`) and over the whole context, by
/// `attention.sliding_window_pattern` (default: Gemma 2 slides on even layers, Gemma 3 on five
/// layers of six).
///
/// Gemma 2 soft-caps attention scores (`attn_logit_softcapping`, default 50) and the final
/// logits (`final_logit_softcapping`, default 30). Gemma 3 normalises each head of the queries
/// and keys (`attn_q_norm`, `attn_k_norm`), soft-caps only the logits and only when the file says
/// so, and rotates sliding layers by their own base (`rope.freq_base_swa`, default 10000) without
/// the linear position scaling its global layers take.
enum Gemma: ModelFamily {
    static let architectures = ["gemma2", "gemma3"]

    static func graph<Ops: ModelOperations>(
        _ c: ModelConfiguration, metadata: GGUFMetadata, loader: TensorLoader<Ops>
    ) throws(LlamaError) -> any ModelGraph<Ops> {
        try GemmaGraph(c, keys: ArchitectureKeys(metadata: metadata, architecture: c.architecture), loader: loader)
    }
}

/// The weights of one Gemma block.
private struct GemmaBlock<Ops: ModelOperations> {
    let attentionNorm: Ops.Vector
    let attention: AttentionWeights<Ops>
    /// Gemma 3's per-head norms of queries and keys (`nil` in Gemma 2).
    let queryNorm, keyNorm: Ops.Vector?
    let postAttentionNorm: Ops.Vector
    let feedForwardNorm: Ops.Vector
    let feedForward: FeedForwardWeights<Ops>
    let postFeedForwardNorm: Ops.Vector
    /// Whether the layer attends through the sliding window.
    let slides: Bool
}

/// A Gemma model's weights on one backend, and its forward pass.
private final class GemmaGraph<Ops: ModelOperations>: ModelGraph, @unchecked Sendable {
    let configuration: ModelConfiguration
    let tokenEmbedding: Ops.Matrix
    let blocks: [GemmaBlock<Ops>]
    let outputNorm: Ops.Vector
    let output: Ops.Matrix
    /// RoPE frequencies of the global layers and of the sliding ones.
    let globalFrequencies, slidingFrequencies: [Double]
    /// Attention of global layers; sliding layers add the window.
    let attention: AttentionShape
    let window: Int?
    let finalSoftCap: Float?

    init(_ c: ModelConfiguration, keys: ArchitectureKeys, loader: TensorLoader<Ops>) throws(LlamaError) {
        configuration = c
        let gemma2 = c.architecture == "gemma2"
        let dim = c.embeddingLength

        let window = try keys.int("attention.sliding_window") ?? (gemma2 ? 4096 : 0)
        guard window >= 0 else {
            throw .invalidMetadata(key: keys.name("attention.sliding_window"), reason: "\(window) is negative")
        }
        self.window = window > 0 ? window : nil
        let sliding = window > 0
            ? try keys.slidingLayers(layers: c.blockCount, defaultPeriod: gemma2 ? 2 : 6)
            : [Bool](repeating: false, count: c.blockCount)

        var blocks: [GemmaBlock<Ops>] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i)."
            blocks.append(GemmaBlock(
                attentionNorm: try loader.vector(p + "attn_norm.weight", count: dim),
                attention: try loader.attention(block: i, c),
                queryNorm: gemma2 ? nil : try loader.vector(p + "attn_q_norm.weight", count: c.headDimension),
                keyNorm: gemma2 ? nil : try loader.vector(p + "attn_k_norm.weight", count: c.headDimension),
                postAttentionNorm: try loader.vector(p + "post_attention_norm.weight", count: dim),
                feedForwardNorm: try loader.vector(p + "ffn_norm.weight", count: dim),
                feedForward: try loader.feedForward(block: i, c),
                postFeedForwardNorm: try loader.vector(p + "post_ffw_norm.weight", count: dim),
                slides: sliding[i]))
        }
        self.blocks = blocks
        outputNorm = try loader.vector("output_norm.weight", count: dim)
        (tokenEmbedding, output) = try loader.embeddingAndOutput(vocabulary: c.vocabularySize, width: dim)

        let linear = try keys.linearRopeFactor()
        globalFrequencies = c.ropeFrequencies(linearFactor: linear)
        slidingFrequencies = gemma2
            ? c.ropeFrequencies(base: try keys.float("rope.freq_base_swa"), linearFactor: linear)
            : c.ropeFrequencies(base: try keys.float("rope.freq_base_swa") ?? 10000)

        // Scores scale by 1/√(head width); the 27B models (46 and 62 layers) by 1/√(width / heads),
        // their query_pre_attn_scalar, which the files do not carry.
        let large = c.blockCount == (gemma2 ? 46 : 62)
        let scaleWidth = large ? Float(dim / c.headCount) : Float(c.headDimension)
        attention = AttentionShape(
            heads: c.headCount, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension,
            scale: 1 / scaleWidth.squareRoot(),
            softCap: gemma2 ? try keys.positiveFloat("attn_logit_softcapping") ?? 50 : nil)
        finalSoftCap = gemma2
            ? try keys.positiveFloat("final_logit_softcapping") ?? 30
            : try keys.positiveFloat("final_logit_softcapping")
    }

    func forward(
        tokens: [Int32], spans: [SequenceSpan<Ops.Cache>], outputRows: [Int], workspace w: Workspace<Ops>
    ) throws(LlamaError) -> Ops.Activations? {
        let c = configuration, ops = w.operations, n = tokens.count
        let dim = c.embeddingLength, hd = c.headDimension, qDim = c.headCount * hd, kvDim = c.keyValueDimension
        let eps = c.rmsNormEpsilon
        let x = try w("residual", n * dim), h = try w("normed", n * dim), attended = try w("attended", n * qDim)
        let q = try w("queries", n * qDim), k = try w("keys", n * kvDim), v = try w("values", n * kvDim)
        let projected = try w("projected", n * dim)
        var slidingShape = attention
        slidingShape.window = window

        try ops.embed(tokenEmbedding, tokens: tokens, into: x)
        try ops.scale(x, by: Float(dim).squareRoot(), count: n * dim)
        let global = try ops.rotations(frequencies: globalFrequencies, spans: spans)
        let sliding = try ops.rotations(frequencies: slidingFrequencies, spans: spans)
        for (l, block) in blocks.enumerated() {
            // Attention: normalise, project, normalise each head (Gemma 3), rotate, attend,
            // project back, normalise again, add back.
            let rotations = block.slides ? sliding : global
            try ops.rmsNorm(x, weight: block.attentionNorm, width: dim, rows: n, epsilon: eps, into: h)
            try w.project(h, rows: n, block.attention, into: q, k, v)
            if let norm = block.queryNorm { try ops.rmsNorm(q, weight: norm, width: hd, rows: n * c.headCount, epsilon: eps, into: q) }
            if let norm = block.keyNorm { try ops.rmsNorm(k, weight: norm, width: hd, rows: n * c.keyValueHeadCount, epsilon: eps, into: k) }
            try ops.rope(q, rotations, heads: c.headCount, headDimension: hd, rotated: c.ropeDimensionCount, rows: n, style: .halves)
            try ops.rope(k, rotations, heads: c.keyValueHeadCount, headDimension: hd, rotated: c.ropeDimensionCount, rows: n, style: .halves)
            try ops.attend(
                layer: l, queries: q, keys: k, values: v, spans: spans, shape: block.slides ? slidingShape : attention,
                into: attended)
            try ops.multiply(block.attention.output, attended, rows: n, into: projected, accumulate: false)
            try ops.rmsNorm(projected, weight: block.postAttentionNorm, width: dim, rows: n, epsilon: eps, into: h)
            try ops.add(x, h, count: n * dim)

            // Feed-forward: normalise, GEGLU, project back, normalise again, add back.
            try ops.rmsNorm(x, weight: block.feedForwardNorm, width: dim, rows: n, epsilon: eps, into: h)
            try w.feedForward(
                h, rows: n, hidden: c.feedForwardLength, block.feedForward, activation: .gelu, into: projected, accumulate: false)
            try ops.rmsNorm(projected, weight: block.postFeedForwardNorm, width: dim, rows: n, epsilon: eps, into: h)
            try ops.add(x, h, count: n * dim)
        }
        let logits = try w.logits(
            of: x, rows: outputRows, width: dim, norm: outputNorm, epsilon: eps, head: output, vocabulary: c.vocabularySize)
        if let logits, let cap = finalSoftCap {
            try ops.softCap(logits, cap: cap, count: outputRows.count * c.vocabularySize)
        }
        return logits
    }
}
