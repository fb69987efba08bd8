#if LLAMA_VULKAN
import FixtureSupport
import GGUF
import Testing
@testable import LlamaVulkan

/// The matmul and embedding shaders of every supported weight type against the CPU kernels'
/// dequantization (and a double-precision dot product), on random tensors.
@Suite struct WeightShaderTests {
    /// A row length per type: not a multiple of 16 where the type allows it (F32, F16).
    static let cases: [(GGMLType, Int)] = [
        (.f32, 100), (.f16, 100), (.q4_0, 96), (.q5_0, 96), (.q8_0, 96), (.q4_K, 512), (.q5_K, 512), (.q6_K, 512),
    ]

    private func tensor(_ device: VulkanDevice, _ type: GGMLType, rowLength: Int, rows: Int, seed: UInt64) throws -> (DeviceTensor, [Float]) {
        var rng = SplitMix64(seed: seed)
        let bytes = BlockReference.randomTensor(type: type, rowLength: rowLength, rows: rows, using: &rng)
        let buffer = try VulkanBuffer(device: device, values: bytes)
        let weights = try BlockReference.dequantize(bytes, type: type, rowLength: rowLength, rows: rows)
        return (DeviceTensor(name: "test", type: type, rowLength: rowLength, rowCount: rows, buffer: buffer), weights)
    }

    /// Y[t][r] = dot(W[r], X[offset + t]) in double precision, plus `initial` when accumulating.
    private func reference(_ w: [Float], _ x: [Float], rowLength k: Int, rows n: Int, tokens: Int, offset: Int, initial: [Float]?) -> (values: [Float], magnitude: [Float]) {
        var values = [Float](repeating: 0, count: tokens * n), magnitude = values
        for t in 0..<tokens {
            for r in 0..<n {
                var sum = 0.0, size = 0.0
                for i in 0..<k {
                    let term = Double(w[r * k + i]) * Double(x[offset + t * k + i])
                    sum += term
                    size += abs(term)
                }
                values[t * n + r] = Float(sum) + (initial?[t * n + r] ?? 0)
                magnitude[t * n + r] = Float(size)
            }
        }
        return (values, magnitude)
    }

    @Test(.vulkanDevice, arguments: cases.indices)
    func matmulMatchesReference(caseIndex: Int) throws {
        let device = try TestDevice.open()
        let (type, k) = Self.cases[caseIndex]
        let rows = 37, tokens = 11, offset = 2 * k
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 2)
        let (weight, w) = try tensor(device, type, rowLength: k, rows: rows, seed: 1 + UInt64(caseIndex))
        var rng = SplitMix64(seed: 100 + UInt64(caseIndex))
        let x = rng.floats(offset + tokens * k)
        let initial = rng.floats(tokens * rows)
        let input = try VulkanBuffer(device: device, values: x)
        let overwritten = try VulkanBuffer(device: device, values: rng.floats(tokens * rows))
        let accumulated = try VulkanBuffer(device: device, values: initial)
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.matmul(encoder, weight: weight, input: input, inputOffset: offset, output: overwritten, rows: tokens)
            try library.matmul(encoder, weight: weight, input: input, inputOffset: offset, output: accumulated, rows: tokens, accumulate: true)
        }
        for (buffer, start) in [(overwritten, nil), (accumulated, initial)] {
            let expected = reference(w, x, rowLength: k, rows: rows, tokens: tokens, offset: offset, initial: start)
            let got = buffer.floats(tokens * rows)
            for i in got.indices {
                #expect(abs(got[i] - expected.values[i]) <= 1e-5 * expected.magnitude[i] + 1e-5, "\(type) element \(i): \(got[i]) vs \(expected.values[i])")
            }
        }
    }

    /// More weight rows than one dispatch dimension may hold (a LLaMA 3 vocabulary has 128256).
    @Test(.vulkanDevice) func matmulCoversRowsBeyondOneDispatchDimension() throws {
        let device = try TestDevice.open()
        let rows = ShaderLibrary.matmulRowsPerWorkgroup * device.maxWorkgroupCount.x + 77, k = 32
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        let (weight, w) = try tensor(device, .q8_0, rowLength: k, rows: rows, seed: 7)
        var rng = SplitMix64(seed: 8)
        let x = rng.floats(k)
        let input = try VulkanBuffer(device: device, values: x)
        let output = try VulkanBuffer(device: device, values: [Float](repeating: .nan, count: rows))
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.matmul(encoder, weight: weight, input: input, output: output, rows: 1)
        }
        let got = output.floats(rows)
        let expected = reference(w, x, rowLength: k, rows: rows, tokens: 1, offset: 0, initial: nil)
        let worst = got.indices.map { abs(got[$0] - expected.values[$0]) - 1e-5 * expected.magnitude[$0] }.max() ?? 0
        #expect(worst <= 1e-5)
    }

    @Test(.vulkanDevice, arguments: cases.indices)
    func embeddingLookupMatchesReference(caseIndex: Int) throws {
        let device = try TestDevice.open()
        let (type, k) = Self.cases[caseIndex]
        let rows = 29
        let library = ShaderLibrary(device: device)
        let recorder = try CommandRecorder(device: device, maxDispatches: 1)
        let (weight, w) = try tensor(device, type, rowLength: k, rows: rows, seed: 50 + UInt64(caseIndex))
        let ids: [UInt32] = [3, 0, 28, 3, 17]
        let tokens = try VulkanBuffer(device: device, values: ids)
        let output = try VulkanBuffer(device: device, values: [Float](repeating: .nan, count: ids.count * k))
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            try library.getRows(encoder, weight: weight, tokens: tokens, output: output, count: ids.count)
        }
        let got = output.floats(ids.count * k)
        let expected = ids.flatMap { w[(Int($0) * k)..<(Int($0) * k + k)] }
        #expect(maxDifference(got, expected) <= 1e-5, "\(type)")
    }
}
#endif
