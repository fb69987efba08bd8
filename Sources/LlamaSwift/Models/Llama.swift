import Foundation
import GGUF

/// LLaMA 2 and 3 (and files that share their graph, such as Mistral's with architecture
/// `llama`): pre-norm blocks of grouped-query attention with RoPE and a SwiGLU feed-forward
/// network, RMSNorm throughout.
enum Llama: ModelFamily {
    static let architectures = ["llama"]

    static func graph<Ops: ModelOperations>(
        _ c: ModelConfiguration, metadata: GGUFMetadata, loader: TensorLoader<Ops>
    ) throws(LlamaError) -> any ModelGraph<Ops> {
        try LlamaGraph(c, keys: ArchitectureKeys(metadata: metadata, architecture: c.architecture), loader: loader)
    }
}

/// The weights of one LLaMA block.
struct LlamaBlock<Ops: ModelOperations> {
    let attentionNorm: Ops.Vector
    let attention: AttentionWeights<Ops>
    let feedForwardNorm: Ops.Vector
    let feedForward: FeedForwardWeights<Ops>
}

/// A LLaMA model's weights on one backend, and its forward pass: also the graph of families that
/// differ from LLaMA only in how their files store the same weights (Phi-3).
final class LlamaGraph<Ops: ModelOperations>: ModelGraph, @unchecked Sendable {
    let configuration: ModelConfiguration
    let tokenEmbedding: Ops.Matrix
    let blocks: [LlamaBlock<Ops>]
    let outputNorm: Ops.Vector
    let output: Ops.Matrix
    /// RoPE's angular frequency of each rotated pair.
    let frequencies: [Double]
    /// Which elements RoPE pairs.
    let ropeStyle: RopeStyle

    init(
        _ c: ModelConfiguration, tokenEmbedding: Ops.Matrix, blocks: [LlamaBlock<Ops>], outputNorm: Ops.Vector,
        output: Ops.Matrix, frequencies: [Double], ropeStyle: RopeStyle
    ) {
        configuration = c
        self.tokenEmbedding = tokenEmbedding
        self.blocks = blocks
        self.outputNorm = outputNorm
        self.output = output
        self.frequencies = frequencies
        self.ropeStyle = ropeStyle
    }

    /// The weights of a `llama` file, by LLaMA's tensor names.
    convenience init(_ c: ModelConfiguration, keys: ArchitectureKeys, loader: TensorLoader<Ops>) throws(LlamaError) {
        let dim = c.embeddingLength
        var blocks: [LlamaBlock<Ops>] = []
        for i in 0..<c.blockCount {
            blocks.append(LlamaBlock(
                attentionNorm: try loader.vector("blk.\(i).attn_norm.weight", count: dim),
                attention: try loader.attention(block: i, c),
                feedForwardNorm: try loader.vector("blk.\(i).ffn_norm.weight", count: dim),
                feedForward: try loader.feedForward(block: i, c)))
        }
        let outputNorm = try loader.vector("output_norm.weight", count: dim)
        let (embedding, output) = try loader.embeddingAndOutput(vocabulary: c.vocabularySize, width: dim)
        let factors = loader.contains("rope_freqs.weight")
            ? try loader.floats("rope_freqs.weight", count: c.ropeDimensionCount / 2) : nil
        self.init(
            c, tokenEmbedding: embedding, blocks: blocks, outputNorm: outputNorm, output: output,
            frequencies: c.ropeFrequencies(linearFactor: try keys.linearRopeFactor(), factors: factors), ropeStyle: .adjacent)
    }

    func forward(
        tokens: [Int32], spans: [SequenceSpan<Ops.Cache>], outputRows: [Int], workspace w: Workspace<Ops>
    ) throws(LlamaError) -> Ops.Activations? {
        let c = configuration, ops = w.operations, n = tokens.count
        let dim = c.embeddingLength, qDim = c.headCount * c.headDimension, kvDim = c.keyValueDimension
        let ffn = c.feedForwardLength, eps = c.rmsNormEpsilon
        let x = try w("residual", n * dim), h = try w("normed", n * dim), attended = try w("attended", n * qDim)
        let q = try w("queries", n * qDim), k = try w("keys", n * kvDim), v = try w("values", n * kvDim)
        let shape = AttentionShape(
            heads: c.headCount, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension,
            scale: 1 / Float(c.headDimension).squareRoot())

        try ops.embed(tokenEmbedding, tokens: tokens, into: x)
        let rotations = try ops.rotations(frequencies: frequencies, spans: spans)
        for (l, block) in blocks.enumerated() {
            // Attention: normalise, project to queries, keys and values, rotate, attend, add back.
            try ops.rmsNorm(x, weight: block.attentionNorm, width: dim, rows: n, epsilon: eps, into: h)
            try w.project(h, rows: n, block.attention, into: q, k, v)
            try ops.rope(q, rotations, heads: c.headCount, headDimension: c.headDimension, rotated: c.ropeDimensionCount, rows: n, style: ropeStyle)
            try ops.rope(k, rotations, heads: c.keyValueHeadCount, headDimension: c.headDimension, rotated: c.ropeDimensionCount, rows: n, style: ropeStyle)
            try ops.attend(layer: l, queries: q, keys: k, values: v, spans: spans, shape: shape, into: attended)
            try ops.multiply(block.attention.output, attended, rows: n, into: x, accumulate: true)

            // Feed-forward: normalise, SwiGLU, project back, add back.
            try ops.rmsNorm(x, weight: block.feedForwardNorm, width: dim, rows: n, epsilon: eps, into: h)
            try w.feedForward(h, rows: n, hidden: ffn, block.feedForward, activation: .silu, into: x, accumulate: true)
        }

        // Final norm and output head, only for the rows whose logits are wanted.
        return try w.logits(of: x, rows: outputRows, width: dim, norm: outputNorm, epsilon: eps, head: output, vocabulary: c.vocabularySize)
    }
}
