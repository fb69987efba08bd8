import GGUF

/// A weight matrix in device memory, its bytes exactly as the GGUF file stores them: `rows`
/// rows of `columns` elements of `type`.
public struct VulkanMatrix: Sendable {
    /// Its name, for error messages.
    public let name: String
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let buffer: VulkanDeviceBuffer

    /// Describes `buffer` as a matrix.
    public init(name: String, type: GGMLType, rows: Int, columns: Int, buffer: VulkanDeviceBuffer) {
        self.name = name
        self.type = type
        self.rows = rows
        self.columns = columns
        self.buffer = buffer
    }
}

/// The shader operations recorded into one command buffer by ``VulkanCompute/record(_:)``.
/// Activations are F32 buffers, row-major; KV caches are F16, `capacity` positions of `width`
/// elements per layer.
public struct VulkanCommands {
    #if LLAMA_VULKAN
    let encoder: CommandEncoder
    let library: ShaderLibrary

    private func tensor(_ m: VulkanMatrix) -> DeviceTensor {
        DeviceTensor(name: m.name, type: m.type, rowLength: m.columns, rowCount: m.rows, buffer: m.buffer.buffer)
    }
    #endif

    /// `output[t] = weight[tokens[t]]` decoded to floats, for `count` token ids (`UInt32`) in `tokens`.
    public func embed(_ weight: VulkanMatrix, tokens: VulkanDeviceBuffer, count: Int, into output: VulkanDeviceBuffer) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.getRows(encoder, weight: tensor(weight), tokens: tokens.buffer, output: output.buffer, count: count)
        #endif
    }

    /// Row `t` of `output` (+)= `weight` × row `t` of `input` (from float `inputOffset`), for `rows` rows.
    public func multiply(
        _ weight: VulkanMatrix, _ input: VulkanDeviceBuffer, inputOffset: Int = 0, rows: Int,
        into output: VulkanDeviceBuffer, accumulate: Bool
    ) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.matmul(
            encoder, weight: tensor(weight), input: input.buffer, inputOffset: inputOffset, output: output.buffer,
            rows: rows, accumulate: accumulate)
        #endif
    }

    /// RMSNorm of `rows` rows of `width`, scaled by `weight`.
    public func rmsNorm(
        _ input: VulkanDeviceBuffer, weight: VulkanDeviceBuffer, width: Int, rows: Int, epsilon: Float, into output: VulkanDeviceBuffer
    ) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.rmsNorm(encoder, input: input.buffer, weight: weight.buffer, output: output.buffer, length: width, rows: rows, epsilon: epsilon)
        #endif
    }

    /// RoPE in place on `rows` rows of `heads` heads of `headDimension`, the first `rotated`
    /// elements of each, at positions `start...`; `frequencies` holds `rotated / 2` floats. Pair
    /// `i` is elements `2i, 2i + 1`, or `i, i + rotated / 2` with `halves`.
    public func rope(
        _ data: VulkanDeviceBuffer, frequencies: VulkanDeviceBuffer, rows: Int, heads: Int, headDimension: Int,
        rotated: Int, start: Int, halves: Bool
    ) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.rope(
            encoder, data: data.buffer, frequencies: frequencies.buffer, rows: rows, heads: heads,
            headDimension: headDimension, ropeDimensions: rotated, startPosition: start, halves: halves)
        #endif
    }

    /// Writes `rows` rows of `width` floats (`width` even) into an F16 cache from position `start`.
    public func store(_ input: VulkanDeviceBuffer, cache: VulkanDeviceBuffer, rows: Int, width: Int, start: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.storeKV(encoder, input: input.buffer, cache: cache.buffer, rows: rows, width: width, startPosition: start)
        #endif
    }

    /// Causal attention of `rows` query rows at positions `start...` over one layer's F16 caches
    /// of `capacity` positions; `scores` holds at least `rows × heads × capacity` floats. Scores
    /// are multiplied by `scale`, capped by `softCap` (`cap × tanh(score / cap)`) when it is set,
    /// and a row sees only the last `window` positions up to its own when that is set.
    public func attention(
        queries: VulkanDeviceBuffer, keys: VulkanDeviceBuffer, values: VulkanDeviceBuffer, scores: VulkanDeviceBuffer,
        heads: Int, keyValueHeads: Int, headDimension: Int, capacity: Int, rows: Int, start: Int,
        scale: Float, softCap: Float?, window: Int?, into output: VulkanDeviceBuffer
    ) throws(VulkanError) {
        #if LLAMA_VULKAN
        let shape = ShaderLibrary.AttentionShape(
            heads: heads, kvHeads: keyValueHeads, headDimension: headDimension, capacity: capacity,
            scale: scale, softCap: softCap ?? 0, window: window ?? 0)
        try library.attention(
            encoder, queries: queries.buffer, keys: keys.buffer, values: values.buffer, output: output.buffer,
            scores: scores.buffer, shape: shape, rows: rows, startPosition: start)
        #endif
    }

    /// `gate = silu(gate) × up` over `count` elements.
    public func swiglu(_ gate: VulkanDeviceBuffer, _ up: VulkanDeviceBuffer, count: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.swiglu(encoder, gate: gate.buffer, up: up.buffer, count: count)
        #endif
    }

    /// `gate = gelu(gate) × up` over `count` elements, GELU in its tanh form.
    public func geglu(_ gate: VulkanDeviceBuffer, _ up: VulkanDeviceBuffer, count: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.elementwise(encoder, .geglu, x: gate.buffer, y: up.buffer, count: count)
        #endif
    }

    /// Row by row, `x += bias` over `rows` rows of `width`.
    public func addBias(_ x: VulkanDeviceBuffer, _ bias: VulkanDeviceBuffer, width: Int, rows: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.elementwise(encoder, .addBias, x: x.buffer, y: bias.buffer, count: rows * width, width: width)
        #endif
    }

    /// `x += y` over `count` elements.
    public func add(_ x: VulkanDeviceBuffer, _ y: VulkanDeviceBuffer, count: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.elementwise(encoder, .add, x: x.buffer, y: y.buffer, count: count)
        #endif
    }

    /// `x ×= factor` over `count` elements.
    public func scale(_ x: VulkanDeviceBuffer, by factor: Float, count: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.elementwise(encoder, .scale, x: x.buffer, y: nil, count: count, a: factor)
        #endif
    }

    /// `x = cap × tanh(x / cap)` over `count` elements.
    public func softCap(_ x: VulkanDeviceBuffer, cap: Float, count: Int) throws(VulkanError) {
        #if LLAMA_VULKAN
        try library.elementwise(encoder, .softCap, x: x.buffer, y: nil, count: count, a: cap)
        #endif
    }

    /// Copies `bytes` bytes between buffers.
    public func copy(
        from source: VulkanDeviceBuffer, offset sourceOffset: Int = 0, to destination: VulkanDeviceBuffer,
        offset destinationOffset: Int = 0, bytes: Int
    ) {
        #if LLAMA_VULKAN
        encoder.copy(from: source.buffer, sourceOffset: sourceOffset, to: destination.buffer, destinationOffset: destinationOffset, bytes: bytes)
        #endif
    }

    /// The most a shader here can take: the largest head width attention holds.
    public static let maxHeadDimension = 256
}
