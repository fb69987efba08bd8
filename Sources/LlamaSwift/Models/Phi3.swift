import GGUF

/// Phi-3 and Phi-3.5 (`phi3`): LLaMA's block, stored fused. `attn_qkv` holds the query, key and
/// value projections one after the other, `ffn_up` the gate and then the up projection; RoPE
/// turns the two halves of each head (GPT-NeoX's pairing). Each fused part is prepared as a
/// matrix of its own, so the forward pass is ``LlamaGraph``'s.
///
/// The `attention.sliding_window` key Phi-3 files carry is ignored, as llama.cpp ignores it:
/// attention is over the whole context. Files with LongRoPE factors (`rope_factors_long`,
/// `rope_factors_short`: the 128k-context variants) are refused at load.
enum Phi3: ModelFamily {
    static let architectures = ["phi3"]

    static func graph<Ops: ModelOperations>(
        _ c: ModelConfiguration, metadata: GGUFMetadata, loader: TensorLoader<Ops>
    ) throws(LlamaError) -> any ModelGraph<Ops> {
        for name in ["rope_factors_long.weight", "rope_factors_short.weight", "blk.0.rope_factors_long.weight"]
        where loader.contains(name) {
            throw .invalidModelFile(path: loader.file.path, reason: "tensor '\(name)': Phi-3 LongRoPE scaling is not supported")
        }
        let keys = ArchitectureKeys(metadata: metadata, architecture: c.architecture)
        let dim = c.embeddingLength, q = c.headCount * c.headDimension, kv = c.keyValueDimension, ffn = c.feedForwardLength
        var blocks: [LlamaBlock<Ops>] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i).", qkv = p + "attn_qkv.weight", gateUp = p + "ffn_up.weight"
            let attention = AttentionWeights<Ops>(
                query: try loader.matrix(qkv, rows: 0..<q, of: q + 2 * kv, columns: dim),
                key: try loader.matrix(qkv, rows: q..<q + kv, of: q + 2 * kv, columns: dim),
                value: try loader.matrix(qkv, rows: q + kv..<q + 2 * kv, of: q + 2 * kv, columns: dim),
                output: try loader.matrix(p + "attn_output.weight", rows: dim, columns: q))
            let feedForward = FeedForwardWeights<Ops>(
                gate: try loader.matrix(gateUp, rows: 0..<ffn, of: 2 * ffn, columns: dim),
                up: try loader.matrix(gateUp, rows: ffn..<2 * ffn, of: 2 * ffn, columns: dim),
                down: try loader.matrix(p + "ffn_down.weight", rows: dim, columns: ffn))
            blocks.append(LlamaBlock(
                attentionNorm: try loader.vector(p + "attn_norm.weight", count: dim), attention: attention,
                feedForwardNorm: try loader.vector(p + "ffn_norm.weight", count: dim), feedForward: feedForward))
        }
        let outputNorm = try loader.vector("output_norm.weight", count: dim)
        let (embedding, output) = try loader.embeddingAndOutput(vocabulary: c.vocabularySize, width: dim)
        return LlamaGraph(
            c, tokenEmbedding: embedding, blocks: blocks, outputNorm: outputNorm, output: output,
            frequencies: c.ropeFrequencies(linearFactor: try keys.linearRopeFactor()), ropeStyle: .halves)
    }
}
