import GGUF
import LlamaKernels

/// The tensors of one transformer block: views into the mapped file, or for matrices that
/// ``ModelWeights/prepareForCPU(pool:)`` copied, the copy.
struct LayerWeights: @unchecked Sendable {
    let attentionNorm: UnsafePointer<Float>
    var query: WeightMatrix
    var key: WeightMatrix
    var value: WeightMatrix
    var attentionOutput: WeightMatrix
    let feedForwardNorm: UnsafePointer<Float>
    var gate: WeightMatrix
    var up: WeightMatrix
    var down: WeightMatrix
}

/// Every tensor the forward pass reads, checked against the configuration when the model loads.
///
/// The matrices are views into the ``GGUF/GGUFFile`` mapping (or the copies ``prepareForCPU(pool:)``
/// made) and stay valid while `file` lives; the norm vectors are copies. Nothing is written
/// through any of them.
struct ModelWeights: @unchecked Sendable {
    let file: GGUFFile
    /// The token embedding; for a tied output copied block for block (as it was or repacked), that
    /// copy (see ``prepareForCPU(pool:)``).
    private(set) var tokenEmbedding: WeightMatrix
    let outputNorm: UnsafePointer<Float>
    /// The output head: `output.weight`, or the token embedding when the file ties them.
    var output: WeightMatrix
    var layers: [LayerWeights]
    /// The tensors whose products read a copy, their file pages released.
    private(set) var copied: Set<String> = []
    /// Every matrix the products read (not the token embedding, which is only looked up), with
    /// the tensor it came from.
    private let products: [(path: WritableKeyPath<ModelWeights, WeightMatrix>, tensor: String)]
    /// Per-pair divisors of the RoPE frequencies (`rope_freqs.weight`), when present.
    let ropeFactors: [Float]?
    /// The norm vectors, copied out of the mapping (see `init`).
    private let vectors = VectorStorage()

    init(file: GGUFFile, configuration c: ModelConfiguration) throws(LlamaError) {
        self.file = file
        let dim = c.embeddingLength, kv = c.keyValueDimension, ffn = c.feedForwardLength
        let vectors = vectors
        var vectorTensors: [GGUFTensorInfo] = []

        var products: [(path: WritableKeyPath<ModelWeights, WeightMatrix>, tensor: String)] = []
        func matrix(_ name: String, rows: Int, columns: Int, at path: WritableKeyPath<ModelWeights, WeightMatrix>? = nil) throws(LlamaError) -> WeightMatrix {
            if let path { products.append((path, name)) }
            let info = try tensor(name)
            guard info.shape == [columns, rows] else {
                throw .tensorShapeMismatch(tensor: name, expected: [columns, rows], found: info.shape)
            }
            do {
                return try WeightMatrix(type: info.type, rows: rows, columns: columns, bytes: file.data(for: info))
            } catch .unsupportedType {
                throw .unsupportedTensorType(tensor: name, type: info.type.name)
            } catch {
                throw .invalidModelFile(path: file.path, reason: "tensor '\(name)': \(error)")
            }
        }
        func vector(_ name: String, count: Int) throws(LlamaError) -> UnsafePointer<Float> {
            let info = try tensor(name)
            guard info.type == .f32 else { throw .unsupportedTensorType(tensor: name, type: info.type.name) }
            guard info.shape == [count] else {
                throw .tensorShapeMismatch(tensor: name, expected: [count], found: info.shape)
            }
            vectorTensors.append(info)
            return vectors.copy(file.data(for: info).bindMemory(to: Float.self))
        }
        func tensor(_ name: String) throws(LlamaError) -> GGUFTensorInfo {
            guard let info = file.tensorIfPresent(named: name) else { throw .missingTensor(name: name) }
            return info
        }

        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabularySize, columns: dim)
        outputNorm = try vector("output_norm.weight", count: dim)
        if file.tensorIfPresent(named: "output.weight") == nil {
            output = tokenEmbedding
            products.append((\.output, "token_embd.weight"))
        } else {
            output = try matrix("output.weight", rows: c.vocabularySize, columns: dim, at: \.output)
        }
        var layers: [LayerWeights] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i).", layer: WritableKeyPath<ModelWeights, LayerWeights> = \.layers[i]
            layers.append(LayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight", count: dim),
                query: try matrix(p + "attn_q.weight", rows: dim, columns: dim, at: layer.appending(path: \.query)),
                key: try matrix(p + "attn_k.weight", rows: kv, columns: dim, at: layer.appending(path: \.key)),
                value: try matrix(p + "attn_v.weight", rows: kv, columns: dim, at: layer.appending(path: \.value)),
                attentionOutput: try matrix(p + "attn_output.weight", rows: dim, columns: dim, at: layer.appending(path: \.attentionOutput)),
                feedForwardNorm: try vector(p + "ffn_norm.weight", count: dim),
                gate: try matrix(p + "ffn_gate.weight", rows: ffn, columns: dim, at: layer.appending(path: \.gate)),
                up: try matrix(p + "ffn_up.weight", rows: ffn, columns: dim, at: layer.appending(path: \.up)),
                down: try matrix(p + "ffn_down.weight", rows: dim, columns: ffn, at: layer.appending(path: \.down))))
        }
        self.layers = layers
        self.products = products
        if file.tensorIfPresent(named: "rope_freqs.weight") != nil {
            let pairs = c.ropeDimensionCount / 2
            ropeFactors = Array(UnsafeBufferPointer(start: try vector("rope_freqs.weight", count: pairs), count: pairs))
        } else {
            ropeFactors = nil
        }
        // The norms are read every token, a few KB each between large tensors: left in the
        // mapping they kept whole 2 MiB page-cache folios mapped where the system uses them
        // (about 60 MB for a 16-layer model). Their copies serve instead.
        file.releasePages(of: vectorTensors)
    }

    /// Bytes of tensor data in the file.
    var byteCount: Int { file.tensors.reduce(0) { $0 + $1.byteCount } }

    /// Puts every matrix the CPU products read in the layout and memory the kernels read fastest
    /// (``LlamaKernels/Kernels/prepared(_:pool:)``: in the native x86 build Q4_0-style matrices
    /// interleaved and K-quants repacked, large matrices in huge pages on Linux) and releases the file pages of those that were copied, so
    /// the model's memory stays about the file's size.
    mutating func prepareForCPU(pool: ThreadPool) {
        var names: [String] = []
        for (path, name) in products {
            guard let info = file.tensorIfPresent(named: name) else { continue }
            // Each part of the file's copy as soon as ours has it, so that the two never coexist
            // for more than a slice; then the pages that straddled two parts.
            let file = file
            self[keyPath: path] = Kernels.prepared(self[keyPath: path], pool: pool) { file.releasePages(of: info, bytes: $0) }
            guard self[keyPath: path].isCopy else { continue }
            file.releasePages(of: [info])
            names.append(name)
        }
        copied = Set(names)
        // A tied output copied block for block (as it was, or repacked) also serves the embedding
        // lookups: reading rows from the released file pages would map them again, 2 MiB at a
        // time where the page cache holds large folios (+70 MB over the 1B's 48-token run), on
        // top of the copy.
        if copied.contains("token_embd.weight"), output.isCopy, !output.isRearranged {
            tokenEmbedding = output
        }
    }
}

/// Small float tensors copied out of the file mapping, freed with the weights.
final class VectorStorage: @unchecked Sendable {
    private var buffers: [UnsafeMutableBufferPointer<Float>] = []

    /// A copy of `source` that lives as long as this storage.
    func copy(_ source: UnsafeBufferPointer<Float>) -> UnsafePointer<Float> {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, source.count))
        _ = buffer.initialize(from: source)
        buffers.append(buffer)
        return UnsafePointer(buffer.baseAddress!)
    }

    deinit { for buffer in buffers { buffer.deallocate() } }
}
