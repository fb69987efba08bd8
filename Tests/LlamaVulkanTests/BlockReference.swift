import FixtureSupport
import GGUF
import LlamaKernels

/// Random, valid tensors in the GGUF block layouts, and their CPU dequantization: the reference
/// the shaders are checked against.
enum BlockReference {
    /// The elements of `rows` rows of `rowLength` elements stored as `type`, decoded by the CPU
    /// kernels (LlamaKernels, checked against gguf-py in its own tests).
    static func dequantize(_ bytes: [UInt8], type: GGMLType, rowLength: Int, rows: Int) throws -> [Float] {
        var out = [Float](repeating: .nan, count: rowLength * rows)
        try bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { floats in
                try Kernels.dequantizeRow(type, raw.baseAddress!, floats.baseAddress!, count: rowLength * rows)
            }
        }
        return out
    }

    /// Random bytes of `rows` rows of `rowLength` elements of `type`, with every f16 scale a
    /// small finite number (and F16 / F32 elements in -1...1).
    static func randomTensor(type: GGMLType, rowLength: Int, rows: Int, using rng: inout SplitMix64) -> [UInt8] {
        let count = rowLength * rows
        let layout = type.blockLayout!
        var bytes = (0..<(count / layout.elements * layout.bytes)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        func setHalf(_ offset: Int, _ value: Float) {
            let bits = Float16(value).bitPattern
            bytes[offset] = UInt8(bits & 0xFF)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        switch type {
        case .f32:
            for i in 0..<count {
                let bits = Float.random(in: -1...1, using: &rng).bitPattern
                for b in 0..<4 { bytes[4 * i + b] = UInt8((bits >> (8 * b)) & 0xFF) }
            }
        case .f16:
            for i in 0..<count { setHalf(2 * i, Float.random(in: -1...1, using: &rng)) }
        case .q4_0, .q5_0, .q8_0:
            for block in 0..<(count / 32) { setHalf(block * layout.bytes, Float.random(in: 0.001...0.05, using: &rng)) }
        case .q4_K, .q5_K:
            for block in 0..<(count / 256) {
                setHalf(block * layout.bytes, Float.random(in: 0.0005...0.005, using: &rng))
                setHalf(block * layout.bytes + 2, Float.random(in: 0.0005...0.005, using: &rng))
            }
        case .q6_K:
            for block in 0..<(count / 256) { setHalf(block * 210 + 208, Float.random(in: 0.0005...0.005, using: &rng)) }
        default:
            break
        }
        return bytes
    }
}

extension SplitMix64 {
    /// `count` floats in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}
