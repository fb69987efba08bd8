#if LLAMA_VULKAN
import Foundation
import GGUF

/// Every weight of a LLaMA model in device memory, checked against the hyperparameters and
/// uploaded once.
struct ModelWeights {
    struct Layer {
        let attentionNorm: VulkanBuffer
        let query: DeviceTensor
        let key: DeviceTensor
        let value: DeviceTensor
        let attentionOutput: DeviceTensor
        let feedForwardNorm: VulkanBuffer
        let gate: DeviceTensor
        let up: DeviceTensor
        let down: DeviceTensor
    }

    let tokenEmbedding: DeviceTensor
    let outputNorm: VulkanBuffer
    /// The output projection (`token_embd.weight` again when the output is tied).
    let output: DeviceTensor
    let layers: [Layer]
    /// `rope_freqs.weight` when the file has it.
    let ropeFrequencyFactors: [Float]?

    /// Bytes of device memory the model's weights take, for the memory check before loading.
    static func byteCount(file: GGUFFile, hyperparameters: VulkanHyperparameters) -> Int {
        var names = ["token_embd.weight", "output_norm.weight"]
        if !hyperparameters.tiedOutput { names.append("output.weight") }
        for layer in 0..<hyperparameters.layerCount {
            names += Self.layerTensorNames.map { "blk.\(layer).\($0).weight" }
        }
        return names.compactMap { file.tensorIfPresent(named: $0)?.byteCount }.reduce(0, +)
    }

    private static let layerTensorNames = ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"]

    init(file: GGUFFile, hyperparameters h: VulkanHyperparameters, device: VulkanDevice) throws(VulkanError) {
        let uploader = try StagingUploader(device: device, capacity: min(64 << 20, max(Self.byteCount(file: file, hyperparameters: h), 16)))
        func tensor(_ name: String) throws(VulkanError) -> GGUFTensorInfo {
            guard let info = file.tensorIfPresent(named: name) else { throw .invalidModel("no tensor '\(name)'") }
            return info
        }
        func upload(_ info: GGUFTensorInfo) throws(VulkanError) -> VulkanBuffer {
            guard info.byteCount <= device.maxStorageBufferRange else {
                throw .tensorTooLarge(tensor: info.name, bytes: info.byteCount, limit: device.maxStorageBufferRange)
            }
            let buffer = try VulkanBuffer(device: device, size: info.byteCount, placement: .deviceLocal)
            try uploader.upload(file.data(for: info), to: buffer)
            return buffer
        }
        func matrix(_ name: String, rowLength: Int, rows: Int) throws(VulkanError) -> DeviceTensor {
            let info = try tensor(name)
            guard ShaderLibrary.supportedTypes.contains(info.type) else {
                throw .unsupportedTensorType(tensor: name, type: info.type.name)
            }
            guard info.shape.count == 2, info.rowLength == rowLength, info.rowCount == rows else {
                throw .invalidModel("tensor '\(name)' has shape \(info.shape), expected [\(rowLength), \(rows)]")
            }
            return DeviceTensor(name: name, type: info.type, rowLength: rowLength, rowCount: rows, buffer: try upload(info))
        }
        func vector(_ name: String, length: Int) throws(VulkanError) -> VulkanBuffer {
            let info = try tensor(name)
            guard info.type == .f32 else { throw .unsupportedTensorType(tensor: name, type: info.type.name) }
            guard info.elementCount == length else {
                throw .invalidModel("tensor '\(name)' has \(info.elementCount) elements, expected \(length)")
            }
            return try upload(info)
        }

        let dim = h.embeddingLength
        let qDim = h.headCount * h.headDimension
        let kvDim = h.headCountKV * h.headDimension
        tokenEmbedding = try matrix("token_embd.weight", rowLength: dim, rows: h.vocabularySize)
        outputNorm = try vector("output_norm.weight", length: dim)
        output = h.tiedOutput ? tokenEmbedding : try matrix("output.weight", rowLength: dim, rows: h.vocabularySize)
        var layers: [Layer] = []
        for index in 0..<h.layerCount {
            let prefix = "blk.\(index)."
            layers.append(Layer(
                attentionNorm: try vector(prefix + "attn_norm.weight", length: dim),
                query: try matrix(prefix + "attn_q.weight", rowLength: dim, rows: qDim),
                key: try matrix(prefix + "attn_k.weight", rowLength: dim, rows: kvDim),
                value: try matrix(prefix + "attn_v.weight", rowLength: dim, rows: kvDim),
                attentionOutput: try matrix(prefix + "attn_output.weight", rowLength: qDim, rows: dim),
                feedForwardNorm: try vector(prefix + "ffn_norm.weight", length: dim),
                gate: try matrix(prefix + "ffn_gate.weight", rowLength: dim, rows: h.feedForwardLength),
                up: try matrix(prefix + "ffn_up.weight", rowLength: dim, rows: h.feedForwardLength),
                down: try matrix(prefix + "ffn_down.weight", rowLength: h.feedForwardLength, rows: dim)
            ))
        }
        self.layers = layers
        try uploader.flush()

        if let factors = file.tensorIfPresent(named: "rope_freqs.weight") {
            guard factors.type == .f32, factors.elementCount == h.ropeDimensionCount / 2 else {
                throw .invalidModel("rope_freqs.weight must be F32 with \(h.ropeDimensionCount / 2) elements")
            }
            let bytes = file.data(for: factors)
            ropeFrequencyFactors = (0..<factors.elementCount).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        } else {
            ropeFrequencyFactors = nil
        }
    }
}
#endif
