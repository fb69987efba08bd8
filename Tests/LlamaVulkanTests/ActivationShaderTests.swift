#if LLAMA_VULKAN
import FixtureSupport
import Foundation
import Testing
@testable import LlamaVulkan

/// RMSNorm, RoPE, attention, SwiGLU and the element-wise shaders against scalar references on
/// random data.
@Suite struct ActivationShaderTests {
    @Test(.vulkanDevice) func rmsNormMatchesReference() throws {
        let device = try TestDevice.open()
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        let length = 200, rows = 3, epsilon: Float = 1e-5
        var rng = SplitMix64(seed: 11)
        let x = rng.floats(rows * length, in: -3...3), weight = rng.floats(length)
        let input = try VulkanBuffer(device: device, values: x)
        let weights = try VulkanBuffer(device: device, values: weight)
        let output = try VulkanBuffer(device: device, values: [Float](repeating: .nan, count: rows * length))
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.rmsNorm(encoder, input: input, weight: weights, output: output, length: length, rows: rows, epsilon: epsilon)
        }
        var expected: [Float] = []
        for r in 0..<rows {
            let row = x[(r * length)..<(r * length + length)]
            let mean = row.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(length)
            let scale = 1 / (mean + Double(epsilon)).squareRoot()
            expected += row.enumerated().map { Float(Double($0.element) * scale * Double(weight[$0.offset])) }
        }
        #expect(maxDifference(output.floats(rows * length), expected) <= 1e-5)
    }

    /// Pairs (adjacent, or the two halves of the rotated part) turn by position × frequency;
    /// elements past the RoPE dimensions stay.
    @Test(.vulkanDevice, arguments: [(false, false), (true, false), (false, true)])
    func ropeMatchesReference(withFactors: Bool, halves: Bool) throws {
        let device = try TestDevice.open()
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        let rows = 5, heads = 3, headDimension = 16, startPosition = 40
        let ropeDimensions = 12
        var rng = SplitMix64(seed: 12)
        let factors = withFactors ? rng.floats(6, in: 1...8) : nil
        let frequency = (0..<(ropeDimensions / 2)).map { i in
            Float(pow(10000, -2 * Double(i) / Double(ropeDimensions)) / Double(factors?[i] ?? 1))
        }
        let x = rng.floats(rows * heads * headDimension)
        let data = try VulkanBuffer(device: device, values: x)
        let frequencies = try VulkanBuffer(device: device, values: frequency)
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.rope(
                encoder, data: data, frequencies: frequencies, rows: rows, heads: heads, headDimension: headDimension,
                ropeDimensions: ropeDimensions, startPosition: startPosition, halves: halves
            )
        }
        var expected = x
        for t in 0..<rows {
            for head in 0..<heads {
                for i in 0..<(ropeDimensions / 2) {
                    var theta = Double(startPosition + t) * pow(10000, -2 * Double(i) / Double(ropeDimensions))
                    theta /= Double(factors?[i] ?? 1)
                    let index = (t * heads + head) * headDimension + (halves ? i : 2 * i)
                    let other = index + (halves ? ropeDimensions / 2 : 1)
                    let x0 = Double(x[index]), x1 = Double(x[other])
                    expected[index] = Float(x0 * cos(theta) - x1 * sin(theta))
                    expected[other] = Float(x0 * sin(theta) + x1 * cos(theta))
                }
            }
        }
        #expect(maxDifference(data.floats(x.count), expected) <= 1e-4)
    }

    /// Rows of floats land as f16 at their position; the rest of the cache stays.
    @Test(.vulkanDevice) func storeKVAppendsF16Rows() throws {
        let device = try TestDevice.open()
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        let width = 6, rows = 3, startPosition = 2, capacity = 8
        var rng = SplitMix64(seed: 15)
        let x = rng.floats(rows * width, in: -4...4)
        let sentinel = Float16(-7).bitPattern
        let input = try VulkanBuffer(device: device, values: x)
        let cache = try VulkanBuffer(device: device, values: [UInt16](repeating: sentinel, count: capacity * width))
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.storeKV(encoder, input: input, cache: cache, rows: rows, width: width, startPosition: startPosition)
        }
        let stored = Array(UnsafeBufferPointer(start: cache.contents!.assumingMemoryBound(to: UInt16.self), count: capacity * width))
        var expected = [UInt16](repeating: sentinel, count: capacity * width)
        for (i, value) in x.enumerated() { expected[startPosition * width + i] = Float16(value).bitPattern }
        #expect(stored == expected)
    }

    /// Grouped-query causal attention of a chunk of rows that starts after cached positions,
    /// over f16 caches (the shader rounds queries to f16: the test's queries are f16 values);
    /// plain, and with a soft cap on the scores and a sliding window.
    @Test(.vulkanDevice, arguments: [(Float(0), 0), (Float(1.5), 16)])
    func attentionMatchesReference(softCap: Float, window: Int) throws {
        let device = try TestDevice.open()
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        let shape = ShaderLibrary.AttentionShape(
            heads: 6, kvHeads: 2, headDimension: 24, capacity: 100, scale: 1 / Float(24).squareRoot(),
            softCap: softCap, window: window)
        let rows = 4, startPosition = 70
        let kvStride = shape.kvHeads * shape.headDimension
        var rng = SplitMix64(seed: 13)
        let q = rng.floats(rows * shape.heads * shape.headDimension, in: -2...2).map { Float(Float16($0)) }
        let k = rng.floats(shape.capacity * kvStride, in: -2...2).map { Float(Float16($0)) }
        let v = rng.floats(shape.capacity * kvStride).map { Float(Float16($0)) }
        let queries = try VulkanBuffer(device: device, values: q)
        let keys = try VulkanBuffer(device: device, values: k.map { Float16($0).bitPattern })
        let values = try VulkanBuffer(device: device, values: v.map { Float16($0).bitPattern })
        let output = try VulkanBuffer(device: device, values: [Float](repeating: .nan, count: q.count))
        let scores = try VulkanBuffer(device: device, size: rows * shape.heads * shape.capacity * 4, placement: .deviceLocal)
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.attention(
                encoder, queries: queries, keys: keys, values: values, output: output, scores: scores,
                shape: shape, rows: rows, startPosition: startPosition
            )
        }
        var expected = [Float](repeating: 0, count: q.count)
        let scale = 1 / Double(shape.headDimension).squareRoot()
        for t in 0..<rows {
            for head in 0..<shape.heads {
                let kvHead = head / (shape.heads / shape.kvHeads)
                let query = (t * shape.heads + head) * shape.headDimension
                let last = startPosition + t
                let visible = (window > 0 ? max(0, last - window + 1) : 0)...last
                let logits = visible.map { p in
                    let score = (0..<shape.headDimension).reduce(0.0) {
                        $0 + Double(q[query + $1]) * Double(k[p * kvStride + kvHead * shape.headDimension + $1])
                    } * scale
                    return softCap > 0 ? Double(softCap) * tanh(score / Double(softCap)) : score
                }
                let top = logits.max()!
                let weights = logits.map { exp($0 - top) }
                let total = weights.reduce(0, +)
                for d in 0..<shape.headDimension {
                    let sum = zip(visible, weights).reduce(0.0) { $0 + $1.1 * Double(v[$1.0 * kvStride + kvHead * shape.headDimension + d]) }
                    expected[query + d] = Float(sum / total)
                }
            }
        }
        #expect(maxDifference(output.floats(q.count), expected) <= 1e-5)
    }

    @Test(.vulkanDevice) func swigluMatchesReference() throws {
        let device = try TestDevice.open()
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        var rng = SplitMix64(seed: 14)
        let g = rng.floats(333, in: -6...6), u = rng.floats(333)
        let gate = try VulkanBuffer(device: device, values: g)
        let up = try VulkanBuffer(device: device, values: u)
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.swiglu(encoder, gate: gate, up: up, count: g.count)
        }
        let expected = zip(g, u).map { Float(Double($0) / (1 + exp(-Double($0))) * Double($1)) }
        #expect(maxDifference(gate.floats(g.count), expected) <= 1e-5)
    }

    /// Each element-wise step against its formula: sums, a bias per row, a scale, a soft cap, and
    /// GELU's tanh form times the up projection.
    @Test(.vulkanDevice, arguments: [
        ShaderLibrary.ElementwiseOperation.add, .addBias, .scale, .softCap, .geglu,
    ])
    func elementwiseMatchesReference(operation: ShaderLibrary.ElementwiseOperation) throws {
        let device = try TestDevice.open()
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        var rng = SplitMix64(seed: 16)
        let width = 37, count = width * 9, a: Float = 2.5
        let x = rng.floats(count, in: -8...8), y = rng.floats(count)
        let xs = try VulkanBuffer(device: device, values: x), ys = try VulkanBuffer(device: device, values: y)
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.elementwise(encoder, operation, x: xs, y: ys, count: count, width: width, a: a)
        }
        let expected: [Float] = x.indices.map { i in
            let v = Double(x[i])
            switch operation {
            case .add: return Float(v + Double(y[i]))
            case .addBias: return Float(v + Double(y[i % width]))
            case .scale: return Float(v * Double(a))
            case .softCap: return Float(Double(a) * tanh(v / Double(a)))
            case .geglu:
                let z = (2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)
                return Float(0.5 * v * (1 + tanh(z)) * Double(y[i]))
            }
        }
        #expect(maxDifference(xs.floats(count), expected) <= 1e-5 * 8)
    }
}
#endif
