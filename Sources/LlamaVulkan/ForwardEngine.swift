#if LLAMA_VULKAN
import Foundation
import GGUF

/// The LLaMA forward pass on one Vulkan device: weights, KV cache (f16) and work buffers in
/// device memory; each chunk of up to ``batchCapacity`` tokens is one submission.
final class ForwardEngine {
    let hyperparameters: VulkanHyperparameters
    let contextLength: Int
    /// Most tokens recorded into one submission (prefill runs in chunks of this many).
    let batchCapacity: Int
    /// Positions of the KV cache that hold valid keys and values.
    private(set) var cachedPositions = 0

    private let library: ShaderLibrary
    private let recorder: CommandRecorder
    private let weights: ModelWeights
    private let keyCaches: [VulkanBuffer]
    private let valueCaches: [VulkanBuffer]
    private let frequencies: VulkanBuffer
    private let residual, normed, queries, keys, values, attended, gate, up, scores: VulkanBuffer
    private let tokenBuffer: VulkanBuffer
    private let logits: VulkanBuffer

    init(file: GGUFFile, hyperparameters h: VulkanHyperparameters, contextLength: Int, device: VulkanDevice) throws(VulkanError) {
        try Self.validate(h, contextLength: contextLength)
        self.hyperparameters = h
        self.contextLength = contextLength
        let kvDim = h.headCountKV * h.headDimension
        let qDim = h.headCount * h.headDimension
        let float = MemoryLayout<Float>.size
        // Chunk size: at most 32 tokens, and small enough that the attention scores fit in one binding.
        let scoreRowBytes = h.headCount * contextLength * float
        batchCapacity = max(1, min(32, contextLength, device.maxStorageBufferRange / scoreRowBytes))

        // Keys and values are cached as f16, as llama.cpp does by default.
        let cacheBytes = contextLength * kvDim * MemoryLayout<Float16>.size
        let workBytes = batchCapacity * float * (2 * h.embeddingLength + 2 * qDim + 2 * kvDim + 2 * h.feedForwardLength + h.headCount * contextLength)
        let logitBytes = batchCapacity * h.vocabularySize * float
        let needed = ModelWeights.byteCount(file: file, hyperparameters: h) + 2 * h.layerCount * cacheBytes + workBytes + logitBytes
        if device.info.deviceLocalMemory > 0, needed > device.info.deviceLocalMemory {
            throw .insufficientMemory(device: device.info.name, neededBytes: needed, availableBytes: device.info.deviceLocalMemory)
        }
        let limited = [("one layer's KV cache", cacheBytes), ("the attention scores of one token", scoreRowBytes), ("the logits of one chunk", logitBytes)]
        for (what, bytes) in limited where bytes > device.maxStorageBufferRange {
            throw .invalidInput("\(what) takes \(bytes) bytes, more than this device's storage buffer limit of \(device.maxStorageBufferRange); use a shorter context")
        }

        library = ShaderLibrary(device: device)
        // 15 dispatches per layer (runChunk), 3 around them.
        recorder = try CommandRecorder(device: device, maxDispatches: 15 * h.layerCount + 3)
        weights = try ModelWeights(file: file, hyperparameters: h, device: device)
        func buffer(_ floats: Int) throws(VulkanError) -> VulkanBuffer {
            try VulkanBuffer(device: device, size: floats * float, placement: .deviceLocal)
        }
        var keyCaches: [VulkanBuffer] = []
        var valueCaches: [VulkanBuffer] = []
        for _ in 0..<h.layerCount {
            keyCaches.append(try VulkanBuffer(device: device, size: cacheBytes, placement: .deviceLocal))
            valueCaches.append(try VulkanBuffer(device: device, size: cacheBytes, placement: .deviceLocal))
        }
        self.keyCaches = keyCaches
        self.valueCaches = valueCaches
        residual = try buffer(batchCapacity * h.embeddingLength)
        normed = try buffer(batchCapacity * h.embeddingLength)
        queries = try buffer(batchCapacity * qDim)
        keys = try buffer(batchCapacity * kvDim)
        values = try buffer(batchCapacity * kvDim)
        attended = try buffer(batchCapacity * qDim)
        gate = try buffer(batchCapacity * h.feedForwardLength)
        up = try buffer(batchCapacity * h.feedForwardLength)
        scores = try buffer(batchCapacity * h.headCount * contextLength)
        tokenBuffer = try VulkanBuffer(device: device, size: batchCapacity * 4, placement: .hostVisible)
        logits = try VulkanBuffer(device: device, size: logitBytes, placement: .hostVisible)

        let angular = Self.ropeFrequencies(h, factors: weights.ropeFrequencyFactors)
        frequencies = try VulkanBuffer(device: device, size: angular.count * float, placement: .hostVisible)
        angular.withUnsafeBytes { frequencies.contents?.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    private static func validate(_ h: VulkanHyperparameters, contextLength: Int) throws(VulkanError) {
        // Bounds far above any LLaMA, low enough that no buffer size computed from them overflows.
        let counts = [
            ("embedding length", h.embeddingLength, 1 << 20), ("layer count", h.layerCount, 1 << 12),
            ("head count", h.headCount, 1 << 12), ("KV head count", h.headCountKV, 1 << 12),
            ("feed-forward length", h.feedForwardLength, 1 << 20), ("vocabulary size", h.vocabularySize, 1 << 24),
            ("context length", contextLength, 1 << 28),
        ]
        for (what, value, limit) in counts where value <= 0 || value > limit {
            throw .invalidModel("\(what) \(value) is outside 1...\(limit)")
        }
        guard h.embeddingLength % h.headCount == 0, h.headCount % h.headCountKV == 0 else {
            throw .invalidModel("\(h.headCount) heads and \(h.headCountKV) KV heads do not divide embedding length \(h.embeddingLength)")
        }
        guard h.headDimension <= ShaderLibrary.maxHeadDimension, h.headDimension % 2 == 0 else {
            throw .invalidModel("head dimension \(h.headDimension) must be even and at most \(ShaderLibrary.maxHeadDimension)")
        }
        guard h.ropeDimensionCount % 2 == 0, h.ropeDimensionCount > 0, h.ropeDimensionCount <= h.headDimension else {
            throw .invalidModel("RoPE dimension count \(h.ropeDimensionCount) must be even and at most the head dimension \(h.headDimension)")
        }
    }

    /// Angular frequency of each rotated pair: base^(-2i / ropeDimensions), divided by the
    /// model's RoPE frequency factor when it has them.
    static func ropeFrequencies(_ h: VulkanHyperparameters, factors: [Float]?) -> [Float] {
        (0..<(h.ropeDimensionCount / 2)).map { i in
            let frequency = pow(Double(h.ropeFreqBase), -2 * Double(i) / Double(h.ropeDimensionCount))
            return Float(frequency / Double(factors?[i] ?? 1))
        }
    }

    /// Forgets the KV cache.
    func reset() {
        cachedPositions = 0
    }

    /// Runs `tokens` at positions `startPosition...` and returns the logits of the last token,
    /// or of every token (row after row) when `allLogits` is set.
    func forward(tokens: [Int], startPosition: Int, allLogits: Bool) throws(VulkanError) -> [Float] {
        let h = hyperparameters
        guard !tokens.isEmpty else { throw .invalidInput("no tokens") }
        guard startPosition >= 0, startPosition <= cachedPositions else {
            throw .invalidInput("start position \(startPosition) is past the \(cachedPositions) cached positions")
        }
        guard startPosition + tokens.count <= contextLength else {
            throw .invalidInput("positions up to \(startPosition + tokens.count) exceed the context length \(contextLength)")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= h.vocabularySize }) {
            throw .invalidInput("token \(bad) is outside the vocabulary (0..<\(h.vocabularySize))")
        }
        var result: [Float] = []
        result.reserveCapacity((allLogits ? tokens.count : 1) * h.vocabularySize)
        var done = 0
        while done < tokens.count {
            let count = min(batchCapacity, tokens.count - done)
            let last = done + count == tokens.count
            let outputRows = allLogits ? count : (last ? 1 : 0)
            try runChunk(Array(tokens[done..<(done + count)]), startPosition: startPosition + done, outputRows: outputRows)
            cachedPositions = startPosition + done + count
            if outputRows > 0, let contents = logits.contents {
                let floats = contents.assumingMemoryBound(to: Float.self)
                result.append(contentsOf: UnsafeBufferPointer(start: floats, count: outputRows * h.vocabularySize))
            }
            done += count
        }
        return result
    }

    /// One submission: `chunk` through every layer, then the logits of its last `outputRows` rows.
    private func runChunk(_ chunk: [Int], startPosition: Int, outputRows: Int) throws(VulkanError) {
        let h = hyperparameters
        let n = chunk.count
        let kvDim = h.headCountKV * h.headDimension
        let shape = ShaderLibrary.AttentionShape(
            heads: h.headCount, kvHeads: h.headCountKV, headDimension: h.headDimension, capacity: contextLength
        )
        if let ids = tokenBuffer.contents?.assumingMemoryBound(to: UInt32.self) {
            for (index, token) in chunk.enumerated() { ids[index] = UInt32(token) }
        }
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.getRows(encoder, weight: weights.tokenEmbedding, tokens: tokenBuffer, output: residual, count: n)
            for (index, layer) in weights.layers.enumerated() {
                try library.rmsNorm(encoder, input: residual, weight: layer.attentionNorm, output: normed, length: h.embeddingLength, rows: n, epsilon: h.rmsEpsilon)
                try library.matmul(encoder, weight: layer.query, input: normed, output: queries, rows: n)
                try library.matmul(encoder, weight: layer.key, input: normed, output: keys, rows: n)
                try library.matmul(encoder, weight: layer.value, input: normed, output: values, rows: n)
                for (data, heads) in [(queries, h.headCount), (keys, h.headCountKV)] {
                    try library.rope(
                        encoder, data: data, frequencies: frequencies, rows: n, heads: heads,
                        headDimension: h.headDimension, ropeDimensions: h.ropeDimensionCount, startPosition: startPosition
                    )
                }
                try library.storeKV(encoder, input: keys, cache: keyCaches[index], rows: n, width: kvDim, startPosition: startPosition)
                try library.storeKV(encoder, input: values, cache: valueCaches[index], rows: n, width: kvDim, startPosition: startPosition)
                try library.attention(
                    encoder, queries: queries, keys: keyCaches[index], values: valueCaches[index], output: attended,
                    scores: scores, shape: shape, rows: n, startPosition: startPosition
                )
                try library.matmul(encoder, weight: layer.attentionOutput, input: attended, output: residual, rows: n, accumulate: true)
                try library.rmsNorm(encoder, input: residual, weight: layer.feedForwardNorm, output: normed, length: h.embeddingLength, rows: n, epsilon: h.rmsEpsilon)
                try library.matmul(encoder, weight: layer.gate, input: normed, output: gate, rows: n)
                try library.matmul(encoder, weight: layer.up, input: normed, output: up, rows: n)
                try library.swiglu(encoder, gate: gate, up: up, count: n * h.feedForwardLength)
                try library.matmul(encoder, weight: layer.down, input: gate, output: residual, rows: n, accumulate: true)
            }
            guard outputRows > 0 else { return }
            try library.rmsNorm(encoder, input: residual, weight: weights.outputNorm, output: normed, length: h.embeddingLength, rows: n, epsilon: h.rmsEpsilon)
            try library.matmul(
                encoder, weight: weights.output, input: normed, inputOffset: (n - outputRows) * h.embeddingLength,
                output: logits, rows: outputRows
            )
        }
    }
}
#endif
