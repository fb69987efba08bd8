import Foundation
import GGUF
import LlamaKernels
import LlamaSwift

/// Real-shaped models with random weights, written with our own writer and quantizer so that
/// benchmarks need no download: LLaMA 2/3 and, for the other families, Qwen 2.5 and Gemma 2
/// shapes. The tokenizer is copied from a vocab-only GGUF.
struct SyntheticModel {
    /// The shapes of the models users run.
    enum Shape: String, CaseIterable {
        case llama3_1b = "llama3-1b"
        case llama3_8b = "llama3-8b"
        case llama2_7b = "llama2-7b"
        case qwen25_1_5b = "qwen2.5-1.5b"
        case gemma2_2b = "gemma2-2b"

        /// `general.architecture`, and the prefix of the hyper-parameter keys.
        var architecture: String { [.qwen25_1_5b: "qwen2", .gemma2_2b: "gemma2"][self] ?? "llama" }
        var embedding: Int { [.llama3_1b: 2048, .qwen25_1_5b: 1536, .gemma2_2b: 2304][self] ?? 4096 }
        var layers: Int { [.llama3_1b: 16, .qwen25_1_5b: 28, .gemma2_2b: 26][self] ?? 32 }
        var feedForward: Int {
            [.llama3_1b: 8192, .llama3_8b: 14336, .llama2_7b: 11008, .qwen25_1_5b: 8960, .gemma2_2b: 9216][self]!
        }
        var heads: Int { [.qwen25_1_5b: 12, .gemma2_2b: 8][self] ?? 32 }
        var kvHeads: Int { [.llama2_7b: 32, .qwen25_1_5b: 2, .gemma2_2b: 4][self] ?? 8 }
        /// Gemma 2's heads are wider than the embedding over the head count.
        var headDimension: Int { self == .gemma2_2b ? 256 : embedding / heads }
        var ropeBase: Float { [.llama2_7b: 10_000, .qwen25_1_5b: 1_000_000, .gemma2_2b: 10_000][self] ?? 500_000 }
        var contextLength: Int { [.llama2_7b: 4096, .qwen25_1_5b: 32768][self] ?? 8192 }
        var normEpsilon: Float { self == .qwen25_1_5b || self == .gemma2_2b ? 1e-6 : 1e-5 }
        /// LLaMA 3.2 1B scales RoPE frequencies (`rope_freqs`).
        var scalesRope: Bool { self == .llama3_1b }
        /// The output head is the embedding (no `output.weight`).
        var tiesEmbedding: Bool { self == .llama3_1b || self == .qwen25_1_5b || self == .gemma2_2b }
        /// The vocabulary fixture whose tokenizer the model copies.
        var vocabulary: String {
            switch self {
            case .llama2_7b: "ggml-vocab-llama-spm.gguf"
            case .qwen25_1_5b: "ggml-vocab-qwen2.gguf"
            case .gemma2_2b: "ggml-vocab-gemma-4.gguf"
            default: "ggml-vocab-llama-bpe.gguf"
            }
        }
    }

    let shape: Shape
    let preset: QuantizationPreset
    let seed: UInt64

    var fileName: String { "synthetic-\(shape.rawValue)-\(preset.rawValue).gguf" }

    /// Writes the model to `path`, quantizing each tensor as it is generated.
    func write(to path: String, vocabularyFile: String, pool: ThreadPool) throws {
        let vocabulary = try GGUFFile(path: vocabularyFile)
        var metadata = GGUFMetadata()
        let arch = shape.architecture
        metadata["general.architecture"] = .string(arch)
        metadata["general.name"] = .string("synthetic-\(shape.rawValue)")
        for (key, value) in vocabulary.metadata.entries where key.hasPrefix("tokenizer.") {
            metadata[key] = value
        }
        let vocabSize = try vocabulary.metadata.stringArray("tokenizer.ggml.tokens").count
        let headDim = shape.headDimension, q = shape.heads * headDim, kv = shape.kvHeads * headDim
        metadata["\(arch).context_length"] = .uint32(UInt32(shape.contextLength))
        metadata["\(arch).embedding_length"] = .uint32(UInt32(shape.embedding))
        metadata["\(arch).block_count"] = .uint32(UInt32(shape.layers))
        metadata["\(arch).feed_forward_length"] = .uint32(UInt32(shape.feedForward))
        metadata["\(arch).rope.dimension_count"] = .uint32(UInt32(headDim))
        metadata["\(arch).attention.head_count"] = .uint32(UInt32(shape.heads))
        metadata["\(arch).attention.head_count_kv"] = .uint32(UInt32(shape.kvHeads))
        metadata["\(arch).attention.key_length"] = .uint32(UInt32(headDim))
        metadata["\(arch).attention.value_length"] = .uint32(UInt32(headDim))
        metadata["\(arch).attention.layer_norm_rms_epsilon"] = .float32(shape.normEpsilon)
        metadata["\(arch).rope.freq_base"] = .float32(shape.ropeBase)
        metadata["\(arch).vocab_size"] = .uint32(UInt32(vocabSize))
        if shape == .gemma2_2b {
            metadata["gemma2.attention.sliding_window"] = .uint32(4096)
            metadata["gemma2.attn_logit_softcapping"] = .float32(50)
            metadata["gemma2.final_logit_softcapping"] = .float32(30)
        }
        metadata["general.file_type"] = .uint32(preset.fileType)
        metadata["general.quantization_version"] = .uint32(2)

        var writer = GGUFWriter(metadata: metadata)
        var index: UInt64 = 0
        func add(_ name: String, _ shapeDims: [Int], _ values: Values) throws {
            index += 1
            let preferred = preset.preferredType(
                forTensor: name, dimensions: shapeDims.count, layerCount: shape.layers, embeddingIsHead: shape.tiesEmbedding)
            let type = QuantizationPreset.fallback(for: preferred, rowLength: shapeDims[0])
            let tensorSeed = seed &* 0x9E37_79B9_7F4A_7C15 &+ index
            try writer.addTensor(name: name, type: type, shape: shapeDims) { output in
                try Self.fill(output, type: type, rowLength: shapeDims[0], rows: shapeDims.dropFirst().reduce(1, *),
                              values: values, seed: tensorSeed, pool: pool)
            }
        }
        let dim = shape.embedding
        try add("token_embd.weight", [dim, vocabSize], .weights)
        if shape.scalesRope {
            try add("rope_freqs.weight", [headDim / 2], .ropeFactors(Self.llama3RopeFactors(headDim: headDim, base: shape.ropeBase)))
        }
        for layer in 0..<shape.layers {
            let p = "blk.\(layer)."
            try add(p + "attn_norm.weight", [dim], .norm)
            try add(p + "attn_q.weight", [dim, q], .weights)
            try add(p + "attn_k.weight", [dim, kv], .weights)
            try add(p + "attn_v.weight", [dim, kv], .weights)
            if shape == .qwen25_1_5b {
                try add(p + "attn_q.bias", [q], .bias)
                try add(p + "attn_k.bias", [kv], .bias)
                try add(p + "attn_v.bias", [kv], .bias)
            }
            try add(p + "attn_output.weight", [q, dim], .weights)
            if shape == .gemma2_2b { try add(p + "post_attention_norm.weight", [dim], .norm) }
            try add(p + "ffn_norm.weight", [dim], .norm)
            try add(p + "ffn_gate.weight", [dim, shape.feedForward], .weights)
            try add(p + "ffn_up.weight", [dim, shape.feedForward], .weights)
            try add(p + "ffn_down.weight", [shape.feedForward, dim], .weights)
            if shape == .gemma2_2b { try add(p + "post_ffw_norm.weight", [dim], .norm) }
        }
        try add("output_norm.weight", [dim], .norm)
        if !shape.tiesEmbedding {
            try add("output.weight", [dim, vocabSize], .weights)
        }
        try writer.write(to: path)
    }

    /// What a tensor holds.
    enum Values {
        /// Normal noise scaled by 1/sqrt(row length), like trained weights' magnitude.
        case weights
        /// Around 1, like trained RMSNorm gains.
        case norm
        /// Small noise, like trained projection biases.
        case bias
        /// Fixed values.
        case ropeFactors([Float])
    }

    /// Generates rows (in parallel, each row from its own seed) and encodes them as `type`.
    static func fill(_ output: UnsafeMutableRawBufferPointer, type: GGMLType, rowLength: Int, rows: Int,
                     values: Values, seed: UInt64, pool: ThreadPool) throws {
        guard let rowBytes = type.byteCount(elements: rowLength), let base = output.baseAddress else { return }
        let scale = 1 / Float(rowLength).squareRoot()
        pool.parallelFor(rows) { row in
            var floats = [Float](repeating: 0, count: rowLength)
            switch values {
            case .ropeFactors(let factors): floats = factors
            case .norm, .weights, .bias:
                var rng = SplitMix64(seed: seed &+ UInt64(row) &* 0xD1B5_4A32_D192_ED03)
                for i in 0..<rowLength {
                    let g = rng.nextGaussian()
                    floats[i] = values == .norm ? 1 + 0.1 * g : values == .bias ? 0.1 * g : g * scale
                }
            }
            // The row length fits the type (the fallback guarantees it), so this cannot throw.
            try? Kernels.quantizeRow(type, floats, base + row * rowBytes, count: rowLength)
        }
    }

    /// LLaMA 3.1/3.2 RoPE scaling: per frequency pair, the factor the frequency is divided by
    /// (factor 32, low/high frequency factors 1 and 4, original context 8192).
    static func llama3RopeFactors(headDim: Int, base: Float) -> [Float] {
        let factor = 32.0, low = 1.0, high = 4.0, original = 8192.0
        return (0..<(headDim / 2)).map { i in
            let frequency = 1 / pow(Double(base), Double(2 * i) / Double(headDim))
            let wavelength = 2 * Double.pi / frequency
            if wavelength < original / high { return 1 }
            if wavelength > original / low { return Float(factor) }
            let smooth = (original / wavelength - low) / (high - low)
            return Float(1 / ((1 - smooth) / factor + smooth))
        }
    }
}

extension SyntheticModel.Values: Equatable {}

/// A small seeded generator for reproducible weights.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u1 = (Double(next() >> 11) + 1) / Double(1 << 53)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
