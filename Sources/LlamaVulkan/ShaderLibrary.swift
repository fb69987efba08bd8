#if LLAMA_VULKAN
import GGUF

/// The compute pipelines of one device, created the first time they are used, and the
/// operations that record them.
final class ShaderLibrary {
    let device: VulkanDevice
    private var pipelines: [String: ComputePipeline] = [:]

    /// Rows of activations per matmul workgroup (`TILE` in matmul.comp).
    static let matmulTile = 8
    /// Weight rows per matmul workgroup (`ROWS` in matmul.comp).
    static let matmulRowsPerWorkgroup = 4
    /// Largest head dimension attention.comp holds in shared memory (`MAX_HEAD_DIM`).
    static let maxHeadDimension = 256
    private static let threads = 64

    init(device: VulkanDevice) {
        self.device = device
    }

    private func pipeline(_ name: String, _ spirv: String, bindings: Int, pushWords: Int) throws(VulkanError) -> ComputePipeline {
        if let pipeline = pipelines[name] { return pipeline }
        let pipeline = try ComputePipeline(device: device, name: name, spirvBase64: spirv, bindingCount: bindings, pushConstantWords: pushWords)
        pipelines[name] = pipeline
        return pipeline
    }

    /// The shaders compiled once per weight type.
    private enum WeightShader: String {
        case matmul, getRows
    }

    private func variant(_ shader: WeightShader, _ type: GGMLType, tensor: String) throws(VulkanError) -> (name: String, spirv: String) {
        let spirv: (matmul: String, getRows: String)
        switch type {
        case .f32: spirv = (SPIRV.matmulF32, SPIRV.getRowsF32)
        case .f16: spirv = (SPIRV.matmulF16, SPIRV.getRowsF16)
        case .q4_0: spirv = (SPIRV.matmulQ4_0, SPIRV.getRowsQ4_0)
        case .q5_0: spirv = (SPIRV.matmulQ5_0, SPIRV.getRowsQ5_0)
        case .q8_0: spirv = (SPIRV.matmulQ8_0, SPIRV.getRowsQ8_0)
        case .q4_K: spirv = (SPIRV.matmulQ4_K, SPIRV.getRowsQ4_K)
        case .q5_K: spirv = (SPIRV.matmulQ5_K, SPIRV.getRowsQ5_K)
        case .q6_K: spirv = (SPIRV.matmulQ6_K, SPIRV.getRowsQ6_K)
        default: throw .unsupportedTensorType(tensor: tensor, type: type.name)
        }
        return ("\(shader.rawValue) \(type.name)", shader == .matmul ? spirv.matmul : spirv.getRows)
    }

    /// `output[t][row] (+)= dot(weight[row], input[inputOffset + t * K ...])` for `rows` rows of
    /// activations; `accumulate` adds to `output` (a residual connection) instead of overwriting.
    func matmul(
        _ encoder: CommandEncoder, weight: DeviceTensor, input: VulkanBuffer, inputOffset: Int = 0,
        output: VulkanBuffer, rows: Int, accumulate: Bool = false
    ) throws(VulkanError) {
        let shader = try variant(.matmul, weight.type, tensor: weight.name)
        let pipeline = try pipeline(shader.name, shader.spirv, bindings: 3, pushWords: 6)
        let rowGroups = (weight.rowCount + Self.matmulRowsPerWorkgroup - 1) / Self.matmulRowsPerWorkgroup
        let perZ = min(rowGroups, device.maxWorkgroupCount.x)
        let push = [weight.rowLength, weight.rowCount, rows, accumulate ? 1 : 0, perZ * Self.matmulRowsPerWorkgroup, inputOffset].map { UInt32($0) }
        let groups = (x: perZ, y: (rows + Self.matmulTile - 1) / Self.matmulTile, z: (rowGroups + perZ - 1) / perZ)
        try encoder.dispatch(pipeline, buffers: [weight.buffer, input, output], push: push, groups: groups)
    }

    /// `output[t] = weight[tokens[t]]` dequantized, for `count` tokens.
    func getRows(_ encoder: CommandEncoder, weight: DeviceTensor, tokens: VulkanBuffer, output: VulkanBuffer, count: Int) throws(VulkanError) {
        let shader = try variant(.getRows, weight.type, tensor: weight.name)
        let pipeline = try pipeline(shader.name, shader.spirv, bindings: 3, pushWords: 1)
        try encoder.dispatch(pipeline, buffers: [weight.buffer, tokens, output], push: [UInt32(weight.rowLength)], groups: (count, 1, 1))
    }

    /// RMSNorm of `rows` rows of `length` elements, scaled by `weight`.
    func rmsNorm(
        _ encoder: CommandEncoder, input: VulkanBuffer, weight: VulkanBuffer, output: VulkanBuffer,
        length: Int, rows: Int, epsilon: Float
    ) throws(VulkanError) {
        let pipeline = try pipeline("rmsNorm", SPIRV.rmsNorm, bindings: 3, pushWords: 2)
        try encoder.dispatch(pipeline, buffers: [input, weight, output], push: [UInt32(length), epsilon.bitPattern], groups: (rows, 1, 1))
    }

    /// RoPE in place on `rows` rows of `heads` heads of `headDimension` elements at positions
    /// `startPosition ..< startPosition + rows`; `frequencies` holds the ropeDimensions / 2
    /// angular frequencies; `halves` pairs element i with i + ropeDimensions / 2 instead of
    /// 2i with 2i + 1.
    func rope(
        _ encoder: CommandEncoder, data: VulkanBuffer, frequencies: VulkanBuffer, rows: Int, heads: Int,
        headDimension: Int, ropeDimensions: Int, startPosition: Int, halves: Bool
    ) throws(VulkanError) {
        let pipeline = try pipeline("rope", SPIRV.rope, bindings: 2, pushWords: 6)
        let push = [rows, heads, headDimension, ropeDimensions, startPosition, halves ? 1 : 0].map { UInt32($0) }
        let invocations = rows * heads * (ropeDimensions / 2)
        try encoder.dispatch(pipeline, buffers: [data, frequencies], push: push, groups: ((invocations + Self.threads - 1) / Self.threads, 1, 1))
    }

    /// Appends `rows` rows of `width` floats (`width` even) to an f16 cache at row `startPosition`.
    func storeKV(_ encoder: CommandEncoder, input: VulkanBuffer, cache: VulkanBuffer, rows: Int, width: Int, startPosition: Int) throws(VulkanError) {
        let pipeline = try pipeline("storeKV", SPIRV.storeKV, bindings: 2, pushWords: 2)
        let words = rows * width / 2
        let push = [words, startPosition * width / 2].map { UInt32($0) }
        try encoder.dispatch(pipeline, buffers: [input, cache], push: push, groups: ((words + Self.threads - 1) / Self.threads, 1, 1))
    }

    /// The shape of one attention call: see attention.comp.
    struct AttentionShape {
        var heads: Int
        var kvHeads: Int
        var headDimension: Int
        /// Positions the cache holds per layer.
        var capacity: Int
        /// Multiplies the scores.
        var scale: Float
        /// Caps the scores (`cap × tanh(score / cap)`) when not 0.
        var softCap: Float
        /// Positions a row sees, up to its own, when not 0.
        var window: Int
    }

    /// Causal attention of `rows` query rows at positions `startPosition...` over one layer's
    /// f16 key and value caches; `scores` is scratch space of rows × heads × capacity floats.
    func attention(
        _ encoder: CommandEncoder, queries: VulkanBuffer, keys: VulkanBuffer, values: VulkanBuffer, output: VulkanBuffer,
        scores: VulkanBuffer, shape: AttentionShape, rows: Int, startPosition: Int
    ) throws(VulkanError) {
        let pipeline = try pipeline("attention", SPIRV.attention, bindings: 5, pushWords: 8)
        let push = [shape.heads, shape.kvHeads, shape.headDimension, startPosition, shape.capacity].map { UInt32($0) }
            + [shape.scale.bitPattern, shape.softCap.bitPattern, UInt32(shape.window)]
        try encoder.dispatch(pipeline, buffers: [queries, keys, values, output, scores], push: push, groups: (shape.heads, rows, 1))
    }

    /// `gate = silu(gate) * up` over `count` elements.
    func swiglu(_ encoder: CommandEncoder, gate: VulkanBuffer, up: VulkanBuffer, count: Int) throws(VulkanError) {
        let pipeline = try pipeline("swiglu", SPIRV.swiglu, bindings: 2, pushWords: 1)
        try encoder.dispatch(pipeline, buffers: [gate, up], push: [UInt32(count)], groups: ((count + Self.threads - 1) / Self.threads, 1, 1))
    }

    /// The element-wise steps of elementwise.comp, by its `op` numbers.
    enum ElementwiseOperation: UInt32 {
        case add = 0, addBias, scale, softCap, geglu
    }

    /// One element-wise step over `count` elements of `x`, reading `y` (bound to `x` again
    /// where the step reads nothing else), with `width` the bias period and `a` the factor or cap.
    func elementwise(
        _ encoder: CommandEncoder, _ operation: ElementwiseOperation, x: VulkanBuffer, y: VulkanBuffer?, count: Int,
        width: Int = 1, a: Float = 0
    ) throws(VulkanError) {
        let pipeline = try pipeline("elementwise", SPIRV.elementwise, bindings: 2, pushWords: 5)
        let groups = (count + Self.threads - 1) / Self.threads
        let across = min(groups, device.maxWorkgroupCount.x)
        let push = [UInt32(count), UInt32(width), operation.rawValue, a.bitPattern, UInt32(across * Self.threads)]
        try encoder.dispatch(pipeline, buffers: [x, y ?? x], push: push, groups: (across, (groups + across - 1) / across, 1))
    }
}
#endif
