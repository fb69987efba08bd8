/// The four projections of a block's attention.
struct AttentionWeights<Ops: ModelOperations> {
    let query, key, value, output: Ops.Matrix
}

/// The three matrices of a gated feed-forward network.
struct FeedForwardWeights<Ops: ModelOperations> {
    let gate, up, down: Ops.Matrix
}

extension TensorLoader {
    /// Block `i`'s `attn_q`, `attn_k`, `attn_v` and `attn_output`, in the shapes `c` gives.
    func attention(block i: Int, _ c: ModelConfiguration) throws(LlamaError) -> AttentionWeights<Ops> {
        let p = "blk.\(i).", dim = c.embeddingLength, q = c.headCount * c.headDimension, kv = c.keyValueDimension
        return AttentionWeights(
            query: try matrix(p + "attn_q.weight", rows: q, columns: dim),
            key: try matrix(p + "attn_k.weight", rows: kv, columns: dim),
            value: try matrix(p + "attn_v.weight", rows: kv, columns: dim),
            output: try matrix(p + "attn_output.weight", rows: dim, columns: q))
    }

    /// Block `i`'s `ffn_gate`, `ffn_up` and `ffn_down`, in the shapes `c` gives.
    func feedForward(block i: Int, _ c: ModelConfiguration) throws(LlamaError) -> FeedForwardWeights<Ops> {
        let p = "blk.\(i).", dim = c.embeddingLength, ffn = c.feedForwardLength
        return FeedForwardWeights(
            gate: try matrix(p + "ffn_gate.weight", rows: ffn, columns: dim),
            up: try matrix(p + "ffn_up.weight", rows: ffn, columns: dim),
            down: try matrix(p + "ffn_down.weight", rows: dim, columns: ffn))
    }
}

/// The gate of a gated feed-forward network.
enum GateActivation {
    /// SiLU: LLaMA, Qwen, Phi-3.
    case silu
    /// GELU, tanh form: Gemma.
    case gelu
}

/// Steps several families' forward passes share, written once on the operations.
extension Workspace {
    /// The queries, keys and values of `rows` rows of `h`.
    func project(
        _ h: Ops.Activations, rows: Int, _ w: AttentionWeights<Ops>,
        into q: Ops.Activations, _ k: Ops.Activations, _ v: Ops.Activations
    ) throws(LlamaError) {
        try operations.multiply(w.query, h, rows: rows, into: q, accumulate: false)
        try operations.multiply(w.key, h, rows: rows, into: k, accumulate: false)
        try operations.multiply(w.value, h, rows: rows, into: v, accumulate: false)
    }

    /// `output (+)= down × (act(gate × h) ⊙ (up × h))` for `rows` rows of `h` and a hidden width
    /// of `hidden`; added to what `output` holds with `accumulate` (the residual stream).
    func feedForward(
        _ h: Ops.Activations, rows: Int, hidden: Int, _ w: FeedForwardWeights<Ops>,
        activation: GateActivation, into output: Ops.Activations, accumulate: Bool
    ) throws(LlamaError) {
        let g = try self("gate", rows * hidden), u = try self("up", rows * hidden)
        try operations.multiply(w.gate, h, rows: rows, into: g, accumulate: false)
        try operations.multiply(w.up, h, rows: rows, into: u, accumulate: false)
        switch activation {
        case .silu: try operations.swiglu(g, u, count: rows * hidden)
        case .gelu: try operations.geglu(g, u, count: rows * hidden)
        }
        try operations.multiply(w.down, g, rows: rows, into: output, accumulate: accumulate)
    }

    /// The logits of the rows `outputRows` of the residual stream `x` (rows of `width`): gathered,
    /// normalised by `norm`, multiplied by `head`; `nil` when no row is wanted.
    func logits(
        of x: Ops.Activations, rows outputRows: [Int], width: Int, norm: Ops.Vector, epsilon: Float, head: Ops.Matrix,
        vocabulary: Int
    ) throws(LlamaError) -> Ops.Activations? {
        guard !outputRows.isEmpty else { return nil }
        let m = outputRows.count
        let last = try self("output rows", m * width), normed = try self("normed", m * width)
        let logits = try self("logits", m * vocabulary)
        try operations.gather(x, rows: outputRows, width: width, into: last)
        try operations.rmsNorm(last, weight: norm, width: width, rows: m, epsilon: epsilon, into: normed)
        try operations.multiply(head, normed, rows: m, into: logits, accumulate: false)
        return logits
    }
}
