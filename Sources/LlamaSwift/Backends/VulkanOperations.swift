import GGUF
import LlamaVulkan
import Synchronization

/// The RoPE frequencies of a pass on the device, and the position of its first row.
struct VulkanRotations {
    let frequencies: VulkanDeviceBuffer
    let start: Int
}

/// The operations on a Vulkan device, recorded into one command buffer per pass
/// (``LlamaVulkan/VulkanCompute``): weights uploaded once as the file stores them, KV caches in
/// F16 on the device, only logits read back.
///
/// A pass holds one sequence (``maximumSpans``): several sequences evaluated together run one
/// pass each.
final class VulkanOperations: ModelOperations, @unchecked Sendable {
    let compute: VulkanCompute
    var supportedTypes: Set<GGMLType> { VulkanCompute.weightTypes }
    let maximumSpans = 1
    var deviceBytes: Int? { compute.allocatedBytes }
    var deviceName: String { compute.deviceName }

    /// The recording in progress, during ``run(_:)``.
    private var commands: VulkanCommands?
    /// Scratch of the pass in progress: token ids, attention scores, a chunk of queries and its output.
    private var tokens: VulkanDeviceBuffer?
    private var scratch: [String: VulkanDeviceBuffer] = [:]
    private var frequencyBuffers: [[Double]: VulkanDeviceBuffer] = [:]
    private let state = Mutex(())

    init(deviceIndex: Int?) throws(LlamaError) {
        do { compute = try VulkanCompute(deviceIndex: deviceIndex) } catch {
            throw .backendFailed(backend: "vulkan", reason: "\(error)")
        }
    }

    /// Runs a device call, naming the backend in its error.
    private func device<T>(_ body: () throws(VulkanError) -> T) throws(LlamaError) -> T {
        do { return try body() } catch { throw .backendFailed(backend: "vulkan", reason: "\(error)") }
    }

    private func recording() throws(LlamaError) -> VulkanCommands {
        guard let commands else { throw .backendFailed(backend: "vulkan", reason: "an operation outside a pass") }
        return commands
    }

    /// The scratch buffer `name` with room for `bytes` bytes.
    private func scratch(_ name: String, bytes: Int, hostVisible: Bool = false) throws(LlamaError) -> VulkanDeviceBuffer {
        if let held = scratch[name], held.byteCount >= bytes { return held }
        let buffer = try device { () throws(VulkanError) in try compute.buffer(bytes: bytes, hostVisible: hostVisible) }
        scratch[name] = buffer
        return buffer
    }

    func matrix(_ tensor: GGUFTensorInfo, in file: GGUFFile) throws(LlamaError) -> VulkanMatrix {
        let buffer = try device { () throws(VulkanError) in try compute.upload(file.data(for: tensor), name: tensor.name) }
        return VulkanMatrix(name: tensor.name, type: tensor.type, rows: tensor.rowCount, columns: tensor.rowLength, buffer: buffer)
    }

    func table(_ tensor: GGUFTensorInfo, in file: GGUFFile, tiedOutput: VulkanMatrix?) throws(LlamaError) -> VulkanMatrix {
        if let tiedOutput { return tiedOutput }
        return try matrix(tensor, in: file)
    }

    func vector(_ values: [Float]) throws(LlamaError) -> VulkanDeviceBuffer {
        try device { () throws(VulkanError) in
            try withBytes(of: values) { (bytes) throws(VulkanError) in try compute.upload(bytes, name: "vector") }
        }
    }

    func activations(count: Int) throws(LlamaError) -> VulkanDeviceBuffer {
        try device { () throws(VulkanError) in try compute.buffer(bytes: 4 * count) }
    }

    func makeCache(layers: Int, capacity: Int, keyValueHeads: Int, headDimension: Int, type: KVCacheType) throws(LlamaError) -> VulkanKVCache {
        guard type == .f16 else {
            throw .invalidParameter(name: "--cache-type-k", value: type.rawValue, reason: "the Vulkan backend keeps its cache in f16")
        }
        guard headDimension <= VulkanCommands.maxHeadDimension, headDimension % 2 == 0 else {
            throw .backendFailed(
                backend: "vulkan", reason: "head width \(headDimension) must be even and at most \(VulkanCommands.maxHeadDimension)")
        }
        return try VulkanKVCache(operations: self, layers: layers, capacity: capacity, keyValueHeads: keyValueHeads, headDimension: headDimension)
    }

    func run(_ body: () throws(LlamaError) -> Void) throws(LlamaError) {
        try state.withLock { _ throws(LlamaError) in
            var failure: LlamaError?
            do {
                try compute.record { (commands: VulkanCommands) throws(VulkanError) in
                    self.commands = commands
                    defer { self.commands = nil }
                    do throws(LlamaError) { try body() } catch {
                        failure = error
                        throw .invalidInput("the pass stopped")
                    }
                }
            } catch {
                throw failure ?? .backendFailed(backend: "vulkan", reason: "\(error)")
            }
        }
    }

    func embed(_ table: VulkanMatrix, tokens ids: [Int32], into output: VulkanDeviceBuffer) throws(LlamaError) {
        let commands = try recording()
        let buffer = try scratch("tokens", bytes: 4 * ids.count, hostVisible: true)
        let values = ids.map { UInt32(bitPattern: $0) }
        try device { () throws(VulkanError) in
            try withBytes(of: values) { (bytes) throws(VulkanError) in try compute.write(bytes, to: buffer) }
            try commands.embed(table, tokens: buffer, count: ids.count, into: output)
        }
    }

    func rmsNorm(_ x: VulkanDeviceBuffer, weight: VulkanDeviceBuffer, width: Int, rows: Int, epsilon: Float, into output: VulkanDeviceBuffer) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.rmsNorm(x, weight: weight, width: width, rows: rows, epsilon: epsilon, into: output) }
    }

    func multiply(_ w: VulkanMatrix, _ x: VulkanDeviceBuffer, rows: Int, into output: VulkanDeviceBuffer, accumulate: Bool) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.multiply(w, x, rows: rows, into: output, accumulate: accumulate) }
    }

    func rotations(frequencies: [Double], spans: [SequenceSpan<VulkanKVCache>]) throws(LlamaError) -> VulkanRotations {
        let buffer: VulkanDeviceBuffer
        if let held = frequencyBuffers[frequencies] {
            buffer = held
        } else {
            let floats = frequencies.map { Float($0) }
            buffer = try device { () throws(VulkanError) in
                try withBytes(of: floats) { (bytes) throws(VulkanError) in
                    try compute.upload(bytes, name: "rope frequencies", hostVisible: true)
                }
            }
            frequencyBuffers[frequencies] = buffer
        }
        return VulkanRotations(frequencies: buffer, start: spans.first?.start ?? 0)
    }

    func rope(
        _ x: VulkanDeviceBuffer, _ rotations: VulkanRotations, heads: Int, headDimension: Int, rotated: Int, rows: Int,
        style: RopeStyle
    ) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in
            try commands.rope(
                x, frequencies: rotations.frequencies, rows: rows, heads: heads, headDimension: headDimension,
                rotated: rotated, start: rotations.start, halves: style == .halves)
        }
    }

    func attend(
        layer: Int, queries: VulkanDeviceBuffer, keys: VulkanDeviceBuffer, values: VulkanDeviceBuffer,
        spans: [SequenceSpan<VulkanKVCache>], shape: AttentionShape, into output: VulkanDeviceBuffer
    ) throws(LlamaError) {
        guard spans.count == 1, let span = spans.first else {
            throw .backendFailed(backend: "vulkan", reason: "one sequence per pass")
        }
        let commands = try recording()
        let cache = span.cache, kvWidth = shape.keyValueHeads * shape.headDimension, width = shape.heads * shape.headDimension
        let rows = span.count
        // Query rows in chunks whose scores fit one binding; each chunk is copied to the start of
        // a scratch buffer, since the shader reads its queries from row 0.
        let scoreRow = shape.heads * cache.capacity * 4
        let chunk = max(1, min(rows, 64, compute.maxBufferBytes / scoreRow))
        let scores = try scratch("scores", bytes: chunk * scoreRow)
        try device { () throws(VulkanError) in
            try commands.store(keys, cache: cache.keys[layer], rows: rows, width: kvWidth, start: span.start)
            try commands.store(values, cache: cache.values[layer], rows: rows, width: kvWidth, start: span.start)
        }
        if chunk == rows {
            try device { () throws(VulkanError) in
                try commands.attention(
                    queries: queries, keys: cache.keys[layer], values: cache.values[layer], scores: scores,
                    heads: shape.heads, keyValueHeads: shape.keyValueHeads, headDimension: shape.headDimension,
                    capacity: cache.capacity, rows: rows, start: span.start,
                    scale: shape.scale, softCap: shape.softCap, window: shape.window, into: output)
            }
            return
        }
        let q = try scratch("query chunk", bytes: chunk * width * 4), o = try scratch("output chunk", bytes: chunk * width * 4)
        var first = 0
        while first < rows {
            let n = min(chunk, rows - first)
            try device { () throws(VulkanError) in
                commands.copy(from: queries, offset: first * width * 4, to: q, bytes: n * width * 4)
                try commands.attention(
                    queries: q, keys: cache.keys[layer], values: cache.values[layer], scores: scores,
                    heads: shape.heads, keyValueHeads: shape.keyValueHeads, headDimension: shape.headDimension,
                    capacity: cache.capacity, rows: n, start: span.start + first,
                    scale: shape.scale, softCap: shape.softCap, window: shape.window, into: o)
                commands.copy(from: o, offset: 0, to: output, offset: first * width * 4, bytes: n * width * 4)
            }
            first += n
        }
    }

    func swiglu(_ gate: VulkanDeviceBuffer, _ up: VulkanDeviceBuffer, count: Int) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.swiglu(gate, up, count: count) }
    }

    func geglu(_ gate: VulkanDeviceBuffer, _ up: VulkanDeviceBuffer, count: Int) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.geglu(gate, up, count: count) }
    }

    func addBias(_ x: VulkanDeviceBuffer, _ bias: VulkanDeviceBuffer, width: Int, rows: Int) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.addBias(x, bias, width: width, rows: rows) }
    }

    func add(_ x: VulkanDeviceBuffer, _ y: VulkanDeviceBuffer, count: Int) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.add(x, y, count: count) }
    }

    func scale(_ x: VulkanDeviceBuffer, by factor: Float, count: Int) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.scale(x, by: factor, count: count) }
    }

    func softCap(_ x: VulkanDeviceBuffer, cap: Float, count: Int) throws(LlamaError) {
        let commands = try recording()
        try device { () throws(VulkanError) in try commands.softCap(x, cap: cap, count: count) }
    }

    func gather(_ x: VulkanDeviceBuffer, rows: [Int], width: Int, into output: VulkanDeviceBuffer) throws(LlamaError) {
        let commands = try recording()
        for (i, row) in rows.enumerated() {
            commands.copy(from: x, offset: row * width * 4, to: output, offset: i * width * 4, bytes: width * 4)
        }
    }

    func read(_ x: VulkanDeviceBuffer, count: Int, into host: UnsafeMutablePointer<Float>) throws(LlamaError) {
        try device { () throws(VulkanError) in try compute.read(x, bytes: count * 4, into: UnsafeMutableRawPointer(host)) }
    }
}

/// A sequence's keys and values on the device: per layer one F16 buffer of keys and one of
/// values, `capacity` positions of `keyValueHeads × headDimension` each.
final class VulkanKVCache: SequenceCache, @unchecked Sendable {
    let capacity: Int
    let type = KVCacheType.f16
    let keys: [VulkanDeviceBuffer]
    let values: [VulkanDeviceBuffer]
    private let compute: VulkanCompute
    private let keyValueHeads: Int
    private let headDimension: Int

    init(operations: VulkanOperations, layers: Int, capacity: Int, keyValueHeads: Int, headDimension: Int) throws(LlamaError) {
        self.capacity = capacity
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension
        compute = operations.compute
        let bytes = capacity * keyValueHeads * headDimension * 2
        var keys: [VulkanDeviceBuffer] = [], values: [VulkanDeviceBuffer] = []
        do {
            for _ in 0..<layers {
                keys.append(try compute.buffer(bytes: bytes))
                values.append(try compute.buffer(bytes: bytes))
            }
        } catch {
            throw .backendFailed(backend: "vulkan", reason: "the KV cache of \(capacity) positions: \(error)")
        }
        self.keys = keys
        self.values = values
    }

    var byteCount: Int { (keys + values).reduce(0) { $0 + $1.byteCount } }

    func export(count: Int) throws(LlamaError) -> [UInt8] {
        let width = keyValueHeads * headDimension, run = headDimension * 2
        var host = [UInt8](repeating: 0, count: count * width * 2)
        var bytes = [UInt8]()
        bytes.reserveCapacity(2 * keys.count * host.count)
        for layer in 0..<keys.count {
            for buffer in [keys[layer], values[layer]] {
                if count > 0 {
                    let bytes = host.count
                    try withMutableBytes(of: &host) { (target) throws(LlamaError) in
                        do { try compute.read(buffer, bytes: bytes, into: target.baseAddress!) } catch {
                            throw .backendFailed(backend: "vulkan", reason: "\(error)")
                        }
                    }
                }
                // Position-major on the device; head-major in the canonical order.
                for head in 0..<keyValueHeads {
                    for position in 0..<count {
                        let offset = (position * width + head * headDimension) * 2
                        bytes.append(contentsOf: host[offset..<offset + run])
                    }
                }
            }
        }
        return bytes
    }

    func restore(_ bytes: [UInt8], count: Int) throws(LlamaError) {
        let width = keyValueHeads * headDimension, run = headDimension * 2, layerBytes = count * width * 2
        guard count <= capacity, bytes.count == 2 * keys.count * layerBytes else {
            throw .invalidParameter(name: "state", value: "\(bytes.count) bytes", reason: "does not hold \(count) positions of this cache")
        }
        guard count > 0 else { return }
        var host = [UInt8](repeating: 0, count: layerBytes)
        var source = 0
        for layer in 0..<keys.count {
            for buffer in [keys[layer], values[layer]] {
                for head in 0..<keyValueHeads {
                    for position in 0..<count {
                        let offset = (position * width + head * headDimension) * 2
                        host.replaceSubrange(offset..<offset + run, with: bytes[source..<source + run])
                        source += run
                    }
                }
                try withBytes(of: host) { (data) throws(LlamaError) in
                    do { try compute.write(data, to: buffer) } catch { throw .backendFailed(backend: "vulkan", reason: "\(error)") }
                }
            }
        }
    }
}

/// `array`'s bytes passed to `body`, keeping the type of what it throws (`withUnsafeBytes`
/// rethrows an untyped error).
private func withBytes<T, R, E: Error>(of array: [T], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    var result: Result<R, E>?
    array.withUnsafeBytes { bytes in result = Result { () throws(E) in try body(bytes) } }
    return try result!.get()
}

/// `array`'s bytes passed to `body` for writing, keeping the type of what it throws.
private func withMutableBytes<T, R, E: Error>(of array: inout [T], _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
    var result: Result<R, E>?
    array.withUnsafeMutableBytes { bytes in result = Result { () throws(E) in try body(bytes) } }
    return try result!.get()
}
