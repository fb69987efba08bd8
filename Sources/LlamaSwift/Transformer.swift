import GGUF
import LlamaKernels

/// The forward pass of a LLaMA model over one sequence, with its KV cache and every working
/// buffer allocated once, up front.
///
/// Tokens go through in batches of up to ``batchSize``: each weight matrix is applied to the
/// whole batch with one matrix–matrix product, then attention runs per row over the cache.
///
/// Queries, keys and values are rounded to half precision before attention, as llama.cpp's
/// default F16 KV cache and its flash attention do, so that logits agree with llama.cpp's to
/// a few thousandths rather than a few hundredths. The cache itself stays F32 for fast reads.
final class Transformer {
    let configuration: ModelConfiguration
    let contextSize: Int
    let batchSize: Int
    /// The logits of the last token evaluated, when it was asked for with ``Output/last``.
    let logits: UnsafeMutableBufferPointer<Float>

    private let weights: ModelWeights
    private let backend: any Backend
    let cache: KeyValueCache
    private let rope: RotaryEmbedding
    private let attention: Attention

    // Activations of a batch, one row per token.
    private let residual: UnsafeMutablePointer<Float>   // batch × dim
    private let normed: UnsafeMutablePointer<Float>     // batch × dim
    private let attended: UnsafeMutablePointer<Float>   // batch × dim
    private let queries: UnsafeMutablePointer<Float>    // batch × dim
    private let keys: UnsafeMutablePointer<Float>       // batch × kvDim
    private let values: UnsafeMutablePointer<Float>     // batch × kvDim
    private let gated: UnsafeMutablePointer<Float>      // batch × ffn
    private let upped: UnsafeMutablePointer<Float>      // batch × ffn
    private let scores: UnsafeMutablePointer<Float>     // heads × context
    private let buffers: [UnsafeMutableBufferPointer<Float>]

    /// Which logits a call to ``evaluate(_:at:output:)`` computes.
    enum Output {
        /// Only the last token's, into ``logits``.
        case last
        /// Every token's, one row of `vocabularySize` floats each, into this buffer.
        case all(UnsafeMutablePointer<Float>)
    }

    init(weights: ModelWeights, configuration: ModelConfiguration, backend: any Backend, contextSize: Int, batchSize: Int) {
        self.weights = weights
        self.configuration = configuration
        self.backend = backend
        self.contextSize = contextSize
        self.batchSize = batchSize
        let c = configuration
        cache = KeyValueCache(layers: c.blockCount, capacity: contextSize, width: c.keyValueDimension)
        rope = RotaryEmbedding(
            dimensions: c.ropeDimensionCount, base: c.ropeFrequencyBase, factors: weights.ropeFactors,
            positions: contextSize)
        attention = Attention(headCount: c.headCount, keyValueHeadCount: c.keyValueHeadCount, headDimension: c.headDimension)

        func make(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            buffer.initialize(repeating: 0)
            return buffer
        }
        let rows = batchSize * c.embeddingLength
        let all = [
            make(rows), make(rows), make(rows), make(rows),
            make(batchSize * c.keyValueDimension), make(batchSize * c.keyValueDimension),
            make(batchSize * c.feedForwardLength), make(batchSize * c.feedForwardLength),
            make(c.headCount * contextSize), make(c.vocabularySize),
        ]
        buffers = all
        residual = all[0].baseAddress!
        normed = all[1].baseAddress!
        attended = all[2].baseAddress!
        queries = all[3].baseAddress!
        keys = all[4].baseAddress!
        values = all[5].baseAddress!
        gated = all[6].baseAddress!
        upped = all[7].baseAddress!
        scores = all[8].baseAddress!
        logits = all[9]
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Bytes of working memory: the KV cache and the activation buffers.
    var byteCount: Int {
        cache.byteCount + buffers.reduce(0) { $0 + $1.count * MemoryLayout<Float>.stride }
    }

    /// Runs `tokens` at positions `start..<start + tokens.count`, storing their keys and values
    /// in the cache, and computes the logits `output` asks for.
    func evaluate(_ tokens: ArraySlice<Int32>, at start: Int, output: Output) throws(LlamaError) {
        guard !tokens.isEmpty else { throw .emptyInput }
        guard start + tokens.count <= contextSize else {
            throw .contextOverflow(tokens: start + tokens.count, contextSize: contextSize)
        }
        for token in tokens where token < 0 || Int(token) >= configuration.vocabularySize {
            throw .invalidToken(id: Int(token), vocabularySize: configuration.vocabularySize)
        }
        var offset = 0
        while offset < tokens.count {
            let n = min(batchSize, tokens.count - offset)
            let batch = tokens.dropFirst(offset).prefix(n)
            switch output {
            case .last:
                try forward(batch, at: start + offset, logitsOf: offset + n == tokens.count ? .last : nil)
            case .all(let rows):
                try forward(batch, at: start + offset, logitsOf: .all(rows + offset * configuration.vocabularySize))
            }
            offset += n
        }
    }

    /// One batch through every layer: the forward pass proper.
    private func forward(_ tokens: ArraySlice<Int32>, at start: Int, logitsOf output: Output?) throws(LlamaError) {
        let c = configuration
        let n = tokens.count
        let dim = c.embeddingLength, kvDim = c.keyValueDimension, ffn = c.feedForwardLength
        let eps = c.rmsNormEpsilon

        // Token embeddings: one row of the embedding matrix per token, decoded to floats.
        for (b, token) in tokens.enumerated() {
            do {
                try Kernels.dequantize(weights.tokenEmbedding, row: Int(token), into: residual + b * dim)
            } catch {
                throw .invalidToken(id: Int(token), vocabularySize: c.vocabularySize)
            }
        }

        for (l, layer) in weights.layers.enumerated() {
            // Attention block: normalise, project to queries/keys/values, rotate, cache, attend.
            for b in 0..<n {
                VectorMath.rmsNorm(normed + b * dim, residual + b * dim, layer.attentionNorm, count: dim, epsilon: eps)
            }
            project(layer.query, normed, n, queries)
            project(layer.key, normed, n, keys)
            project(layer.value, normed, n, values)
            // Rotate, round and cache each row; rows in parallel, about 16K floats per task.
            let rowsPerTask = max(1, 16384 / (dim + 2 * kvDim))
            let queries = queries, keys = keys, values = values, rope = rope, cache = cache
            backend.parallelFor((n + rowsPerTask - 1) / rowsPerTask) { task in
                for b in task * rowsPerTask..<min(n, task * rowsPerTask + rowsPerTask) {
                    let position = start + b
                    rope.apply(to: queries + b * dim, heads: c.headCount, headDimension: c.headDimension, position: position)
                    rope.apply(to: keys + b * kvDim, heads: c.keyValueHeadCount, headDimension: c.headDimension, position: position)
                    VectorMath.roundToHalfPrecision(queries + b * dim, count: dim)
                    VectorMath.roundToHalfPrecision(keys + b * kvDim, count: kvDim)
                    VectorMath.roundToHalfPrecision(values + b * kvDim, count: kvDim)
                    cache.keys(layer: l, position: position).update(from: keys + b * kvDim, count: kvDim)
                    cache.values(layer: l, position: position).update(from: values + b * kvDim, count: kvDim)
                }
            }
            attend(layer: l, start: start, count: n)
            project(layer.attentionOutput, attended, n, normed)
            VectorMath.add(residual, normed, count: n * dim)

            // Feed-forward block: normalise, SwiGLU, project back, add to the residual stream.
            for b in 0..<n {
                VectorMath.rmsNorm(normed + b * dim, residual + b * dim, layer.feedForwardNorm, count: dim, epsilon: eps)
            }
            project(layer.gate, normed, n, gated)
            project(layer.up, normed, n, upped)
            VectorMath.swiglu(gated, upped, count: n * ffn)
            project(layer.down, gated, n, normed)
            VectorMath.add(residual, normed, count: n * dim)
        }

        // Final norm and output head, only for the rows whose logits are wanted.
        switch output {
        case nil:
            break
        case .last:
            VectorMath.rmsNorm(normed, residual + (n - 1) * dim, weights.outputNorm, count: dim, epsilon: eps)
            backend.matvec(weights.output, normed, logits.baseAddress!)
        case .all(let rows):
            for b in 0..<n {
                VectorMath.rmsNorm(normed + b * dim, residual + b * dim, weights.outputNorm, count: dim, epsilon: eps)
            }
            project(weights.output, normed, n, rows)
        }
    }

    /// Causal grouped-query attention of the batch's queries over the cache of `layer`, into
    /// `attended`.
    private func attend(layer: Int, start: Int, count n: Int) {
        attention(
            queries: queries, keys: cache.keys(layer: layer, position: 0), values: cache.values(layer: layer, position: 0),
            start: start, count: n, into: attended, scores: scores, scoreStride: contextSize, backend: backend)
    }

    /// `y = W x` for each of the `n` rows of `x`: a matrix–vector product for one row, a
    /// matrix–matrix product for more.
    private func project(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ n: Int, _ y: UnsafeMutablePointer<Float>) {
        if n == 1 {
            backend.matvec(w, x, y)
        } else {
            backend.matmul(w, x, batch: n, y)
        }
    }
}
