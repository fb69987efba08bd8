import Foundation
@testable import LlamaKernels
import FixtureSupport
import GGUF

extension SplitMix64 {
    /// A standard normal sample (Box–Muller).
    mutating func gaussian() -> Float {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }

    /// `count` normal samples scaled by `scale`, with an occasional outlier (as real weights have).
    mutating func weights(_ count: Int, scale: Float = 0.05) -> [Float] {
        (0..<count).map { _ in
            let x = gaussian() * scale
            return Int.random(in: 0..<64, using: &self) == 0 ? x * 4 : x
        }
    }
}

/// Every type with kernels.
let allTypes: [GGMLType] = [.q4_0, .q5_K, .q6_K, .q8_0, .f32, .f16, .bf16, .q4_1, .q5_0, .q5_1, .q4_K, .q2_K, .q3_K]

/// Encodes `values` as `type`.
func quantized(_ values: [Float], as type: GGMLType) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: type.byteCount(elements: values.count)!)
    try bytes.withUnsafeMutableBytes { dst in
        try values.withUnsafeBufferPointer { try Kernels.quantizeRow(type, $0.baseAddress!, dst.baseAddress!, count: values.count) }
    }
    return bytes
}

/// Decodes `count` elements of `type`.
func dequantized(_ bytes: [UInt8], as type: GGMLType, count: Int) throws -> [Float] {
    var values = [Float](repeating: 0, count: count)
    try bytes.withUnsafeBytes { src in
        try values.withUnsafeMutableBufferPointer { try Kernels.dequantizeRow(type, src.baseAddress!, $0.baseAddress!, count: count) }
    }
    return values
}
