import GGUF

/// Qwen 2, 2.5 (`qwen2`) and 3 (`qwen3`): LLaMA's pre-norm block with RoPE over the two halves
/// of each head (GPT-NeoX's pairing). Qwen 2 adds biases to the query, key and value
/// projections; Qwen 3 has none, and instead normalises each head of the queries and keys
/// (`attn_q_norm`, `attn_k_norm`: one weight vector per head width, shared by the heads) before
/// rotating them.
enum Qwen: ModelFamily {
    static let architectures = ["qwen2", "qwen3"]

    static func graph<Ops: ModelOperations>(
        _ c: ModelConfiguration, metadata: GGUFMetadata, loader: TensorLoader<Ops>
    ) throws(LlamaError) -> any ModelGraph<Ops> {
        try QwenGraph(c, keys: ArchitectureKeys(metadata: metadata, architecture: c.architecture), loader: loader)
    }
}

/// The weights of one Qwen block.
private struct QwenBlock<Ops: ModelOperations> {
    let attentionNorm: Ops.Vector
    let attention: AttentionWeights<Ops>
    /// Qwen 2's projection biases (`nil` in Qwen 3).
    let queryBias, keyBias, valueBias: Ops.Vector?
    /// Qwen 3's per-head norms of queries and keys (`nil` in Qwen 2).
    let queryNorm, keyNorm: Ops.Vector?
    let feedForwardNorm: Ops.Vector
    let feedForward: FeedForwardWeights<Ops>
}

/// A Qwen model's weights on one backend, and its forward pass.
private final class QwenGraph<Ops: ModelOperations>: ModelGraph, @unchecked Sendable {
    let configuration: ModelConfiguration
    let tokenEmbedding: Ops.Matrix
    let blocks: [QwenBlock<Ops>]
    let outputNorm: Ops.Vector
    let output: Ops.Matrix
    let frequencies: [Double]

    init(_ c: ModelConfiguration, keys: ArchitectureKeys, loader: TensorLoader<Ops>) throws(LlamaError) {
        configuration = c
        let dim = c.embeddingLength, q = c.headCount * c.headDimension, kv = c.keyValueDimension
        let headNorms = c.architecture == "qwen3"
        var blocks: [QwenBlock<Ops>] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i)."
            blocks.append(QwenBlock(
                attentionNorm: try loader.vector(p + "attn_norm.weight", count: dim),
                attention: try loader.attention(block: i, c),
                queryBias: try loader.optionalVector(p + "attn_q.bias", count: q),
                keyBias: try loader.optionalVector(p + "attn_k.bias", count: kv),
                valueBias: try loader.optionalVector(p + "attn_v.bias", count: kv),
                queryNorm: headNorms ? try loader.vector(p + "attn_q_norm.weight", count: c.headDimension) : nil,
                keyNorm: headNorms ? try loader.vector(p + "attn_k_norm.weight", count: c.headDimension) : nil,
                feedForwardNorm: try loader.vector(p + "ffn_norm.weight", count: dim),
                feedForward: try loader.feedForward(block: i, c)))
        }
        self.blocks = blocks
        outputNorm = try loader.vector("output_norm.weight", count: dim)
        (tokenEmbedding, output) = try loader.embeddingAndOutput(vocabulary: c.vocabularySize, width: dim)
        frequencies = c.ropeFrequencies(linearFactor: try keys.linearRopeFactor())
    }

    func forward(
        tokens: [Int32], spans: [SequenceSpan<Ops.Cache>], outputRows: [Int], workspace w: Workspace<Ops>
    ) throws(LlamaError) -> Ops.Activations? {
        let c = configuration, ops = w.operations, n = tokens.count
        let dim = c.embeddingLength, hd = c.headDimension, qDim = c.headCount * hd, kvDim = c.keyValueDimension
        let eps = c.rmsNormEpsilon
        let x = try w("residual", n * dim), h = try w("normed", n * dim), attended = try w("attended", n * qDim)
        let q = try w("queries", n * qDim), k = try w("keys", n * kvDim), v = try w("values", n * kvDim)
        let shape = AttentionShape(
            heads: c.headCount, keyValueHeads: c.keyValueHeadCount, headDimension: hd, scale: 1 / Float(hd).squareRoot())

        try ops.embed(tokenEmbedding, tokens: tokens, into: x)
        let rotations = try ops.rotations(frequencies: frequencies, spans: spans)
        for (l, block) in blocks.enumerated() {
            // Attention: normalise, project (plus biases), normalise each head, rotate, attend, add back.
            try ops.rmsNorm(x, weight: block.attentionNorm, width: dim, rows: n, epsilon: eps, into: h)
            try w.project(h, rows: n, block.attention, into: q, k, v)
            if let bias = block.queryBias { try ops.addBias(q, bias, width: qDim, rows: n) }
            if let bias = block.keyBias { try ops.addBias(k, bias, width: kvDim, rows: n) }
            if let bias = block.valueBias { try ops.addBias(v, bias, width: kvDim, rows: n) }
            if let norm = block.queryNorm { try ops.rmsNorm(q, weight: norm, width: hd, rows: n * c.headCount, epsilon: eps, into: q) }
            if let norm = block.keyNorm { try ops.rmsNorm(k, weight: norm, width: hd, rows: n * c.keyValueHeadCount, epsilon: eps, into: k) }
            try ops.rope(q, rotations, heads: c.headCount, headDimension: hd, rotated: c.ropeDimensionCount, rows: n, style: .halves)
            try ops.rope(k, rotations, heads: c.keyValueHeadCount, headDimension: hd, rotated: c.ropeDimensionCount, rows: n, style: .halves)
            try ops.attend(layer: l, queries: q, keys: k, values: v, spans: spans, shape: shape, into: attended)
            try ops.multiply(block.attention.output, attended, rows: n, into: x, accumulate: true)

            // Feed-forward: normalise, SwiGLU, project back, add back.
            try ops.rmsNorm(x, weight: block.feedForwardNorm, width: dim, rows: n, epsilon: eps, into: h)
            try w.feedForward(
                h, rows: n, hidden: c.feedForwardLength, block.feedForward, activation: .silu, into: x, accumulate: true)
        }
        return try w.logits(of: x, rows: outputRows, width: dim, norm: outputNorm, epsilon: eps, head: output, vocabulary: c.vocabularySize)
    }
}
