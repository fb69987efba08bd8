import Foundation
import GGUF

/// LLaMA 2 and 3 (and files that share their graph, such as Mistral's with architecture
/// `llama`): pre-norm blocks of grouped-query attention with RoPE and a SwiGLU feed-forward
/// network, RMSNorm throughout.
enum Llama: ModelFamily {
    static let architectures = ["llama"]

    static func configuration(_ metadata: GGUFMetadata, architecture: String) throws(LlamaError) -> ModelConfiguration {
        try ModelConfiguration(standardKeysOf: metadata, architecture: architecture)
    }

    static func graph<Ops: ModelOperations>(
        _ c: ModelConfiguration, metadata: GGUFMetadata, loader: TensorLoader<Ops>
    ) throws(LlamaError) -> any ModelGraph<Ops> {
        try LlamaGraph(c, loader: loader)
    }
}

/// The weights of one LLaMA block.
private struct LlamaBlock<Ops: ModelOperations> {
    let attentionNorm: Ops.Vector
    let query, key, value, attentionOutput: Ops.Matrix
    let feedForwardNorm: Ops.Vector
    let gate, up, down: Ops.Matrix
}

/// A LLaMA model's weights on one backend, and its forward pass.
private final class LlamaGraph<Ops: ModelOperations>: ModelGraph, @unchecked Sendable {
    let configuration: ModelConfiguration
    let tokenEmbedding: Ops.Matrix
    let blocks: [LlamaBlock<Ops>]
    let outputNorm: Ops.Vector
    let output: Ops.Matrix
    /// RoPE's angular frequency of each rotated pair.
    let frequencies: [Double]

    init(_ c: ModelConfiguration, loader: TensorLoader<Ops>) throws(LlamaError) {
        configuration = c
        let dim = c.embeddingLength, q = c.headCount * c.headDimension, kv = c.keyValueDimension, ffn = c.feedForwardLength
        var blocks: [LlamaBlock<Ops>] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i)."
            blocks.append(LlamaBlock(
                attentionNorm: try loader.vector(p + "attn_norm.weight", count: dim),
                query: try loader.matrix(p + "attn_q.weight", rows: q, columns: dim),
                key: try loader.matrix(p + "attn_k.weight", rows: kv, columns: dim),
                value: try loader.matrix(p + "attn_v.weight", rows: kv, columns: dim),
                attentionOutput: try loader.matrix(p + "attn_output.weight", rows: dim, columns: q),
                feedForwardNorm: try loader.vector(p + "ffn_norm.weight", count: dim),
                gate: try loader.matrix(p + "ffn_gate.weight", rows: ffn, columns: dim),
                up: try loader.matrix(p + "ffn_up.weight", rows: ffn, columns: dim),
                down: try loader.matrix(p + "ffn_down.weight", rows: dim, columns: ffn)))
        }
        self.blocks = blocks
        outputNorm = try loader.vector("output_norm.weight", count: dim)
        (tokenEmbedding, output) = try loader.embeddingAndOutput(vocabulary: c.vocabularySize, width: dim)
        let factors = loader.contains("rope_freqs.weight")
            ? try loader.floats("rope_freqs.weight", count: c.ropeDimensionCount / 2) : nil
        frequencies = c.ropeFrequencies(factors: factors)
    }

    func forward(
        tokens: [Int32], spans: [SequenceSpan<Ops.Cache>], outputRows: [Int], workspace w: Workspace<Ops>
    ) throws(LlamaError) -> Ops.Activations? {
        let c = configuration, ops = w.operations, n = tokens.count
        let dim = c.embeddingLength, qDim = c.headCount * c.headDimension, kvDim = c.keyValueDimension
        let ffn = c.feedForwardLength, eps = c.rmsNormEpsilon
        let x = try w("residual", n * dim), h = try w("normed", n * dim), attended = try w("attended", n * qDim)
        let q = try w("queries", n * qDim), k = try w("keys", n * kvDim), v = try w("values", n * kvDim)
        let gate = try w("gate", n * ffn), up = try w("up", n * ffn)
        let shape = AttentionShape(
            heads: c.headCount, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension,
            scale: 1 / Float(c.headDimension).squareRoot())

        try ops.embed(tokenEmbedding, tokens: tokens, into: x)
        let rotations = try ops.rotations(frequencies: frequencies, spans: spans)
        for (l, block) in blocks.enumerated() {
            // Attention: normalise, project to queries, keys and values, rotate, attend, add back.
            try ops.rmsNorm(x, weight: block.attentionNorm, width: dim, rows: n, epsilon: eps, into: h)
            try ops.multiply(block.query, h, rows: n, into: q, accumulate: false)
            try ops.multiply(block.key, h, rows: n, into: k, accumulate: false)
            try ops.multiply(block.value, h, rows: n, into: v, accumulate: false)
            try ops.rope(q, rotations, heads: c.headCount, headDimension: c.headDimension, rotated: c.ropeDimensionCount, rows: n)
            try ops.rope(k, rotations, heads: c.keyValueHeadCount, headDimension: c.headDimension, rotated: c.ropeDimensionCount, rows: n)
            try ops.attend(layer: l, queries: q, keys: k, values: v, spans: spans, shape: shape, into: attended)
            try ops.multiply(block.attentionOutput, attended, rows: n, into: x, accumulate: true)

            // Feed-forward: normalise, SwiGLU, project back, add back.
            try ops.rmsNorm(x, weight: block.feedForwardNorm, width: dim, rows: n, epsilon: eps, into: h)
            try ops.multiply(block.gate, h, rows: n, into: gate, accumulate: false)
            try ops.multiply(block.up, h, rows: n, into: up, accumulate: false)
            try ops.swiglu(gate, up, count: n * ffn)
            try ops.multiply(block.down, gate, rows: n, into: x, accumulate: true)
        }

        // Final norm and output head, only for the rows whose logits are wanted.
        guard !outputRows.isEmpty else { return nil }
        let m = outputRows.count
        let last = try w("output rows", m * dim), logits = try w("logits", m * c.vocabularySize)
        try ops.gather(x, rows: outputRows, width: dim, into: last)
        try ops.rmsNorm(last, weight: outputNorm, width: dim, rows: m, epsilon: eps, into: h)
        try ops.multiply(output, h, rows: m, into: logits, accumulate: false)
        return logits
    }
}
