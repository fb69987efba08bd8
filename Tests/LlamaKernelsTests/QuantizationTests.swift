import FixtureSupport
import GGUF
@testable import LlamaKernels
import Testing

/// Encoding floats and decoding them again, for every type.
@Suite struct QuantizationTests {
    /// Relative RMS error (‖x − decode(encode(x))‖ / ‖x‖) each type must stay within on normal
    /// weights with occasional 4× outliers (`SplitMix64.weights`). The bounds are llama.cpp's
    /// own quantizers' error on data drawn the same way (numpy, 16 × 1024, measured with
    /// `ggml_quantize_chunk` from llama.cpp 0.3.36's libggml-base and decoded by gguf-py) plus 5 %
    /// for the different sample. `PythonRoundTripTests` compares on identical data when that
    /// library is present.
    static let errorBounds: [GGMLType: Double] = [
        .q4_0: 0.1072 * 1.05, .q4_1: 0.0870 * 1.05, .q5_0: 0.0539 * 1.05, .q5_1: 0.0419 * 1.05,
        .q8_0: 0.00676 * 1.05, .q2_K: 0.3233 * 1.05, .q3_K: 0.1707 * 1.05, .q4_K: 0.0805 * 1.05,
        .q5_K: 0.0405 * 1.05, .q6_K: 0.0210 * 1.05,
        // Float formats: half keeps 11 significant bits, bfloat16 8 (≈ 2^-p / √3 relative RMS).
        .f16: 0.0003, .bf16: 0.002, .f32: 0,
    ]

    func relativeError(_ type: GGMLType, _ x: [Float]) throws -> Double {
        let decoded = try dequantized(try quantized(x, as: type), as: type, count: x.count)
        var error = 0.0, norm = 0.0
        for (a, b) in zip(x, decoded) {
            error += Double(a - b) * Double(a - b)
            norm += Double(a) * Double(a)
        }
        return (error / norm).squareRoot()
    }

    @Test(arguments: allTypes)
    func roundTripErrorWithinBound(_ type: GGMLType) throws {
        var rng = SplitMix64(seed: 1)
        let x = rng.weights(16 * 1024)
        let error = try relativeError(type, x)
        print("round trip \(type.name): relative RMS error \(error)")
        #expect(error <= Self.errorBounds[type]!, "\(type.name): \(error)")
    }

    /// The K-quants spend their extra scale bits well: each is at least as accurate as the
    /// simple type with the same code width.
    @Test func kQuantsBeatSimpleTypesOfTheSameWidth() throws {
        var rng = SplitMix64(seed: 2)
        let x = rng.weights(16 * 1024)
        #expect(try relativeError(.q4_K, x) < relativeError(.q4_0, x))
        #expect(try relativeError(.q4_K, x) < relativeError(.q4_1, x))
        #expect(try relativeError(.q5_K, x) < relativeError(.q5_0, x))
        #expect(try relativeError(.q5_K, x) < relativeError(.q5_1, x))
        #expect(try relativeError(.q6_K, x) < relativeError(.q5_K, x))
        #expect(try relativeError(.q3_K, x) < relativeError(.q2_K, x))
    }

    @Test(arguments: allTypes)
    func zerosAndConstantsSurvive(_ type: GGMLType) throws {
        let count = 512
        #expect(try dequantized(try quantized([Float](repeating: 0, count: count), as: type), as: type, count: count).allSatisfy { $0 == 0 })
        // A constant row decodes to (nearly) that constant; half-precision scales allow 0.1 %.
        let constant = try dequantized(try quantized([Float](repeating: -0.75, count: count), as: type), as: type, count: count)
        #expect(constant.allSatisfy { abs($0 + 0.75) <= 0.75 * 2e-3 }, "\(type.name): \(constant.prefix(4))")
    }

    @Test(arguments: allTypes)
    func nonFiniteInputDoesNotTrap(_ type: GGMLType) throws {
        var x = [Float](repeating: 0.5, count: 256)
        x[3] = .nan
        x[100] = .infinity
        x[200] = -.infinity
        _ = try dequantized(try quantized(x, as: type), as: type, count: x.count)
    }

    @Test func rowsOfWrongLengthOrTypeAreRefused() throws {
        var out = [Float](repeating: 0, count: 64)
        let bytes = [UInt8](repeating: 0, count: 64)
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dst in
                #expect(throws: KernelError.self) { try Kernels.dequantizeRow(.q4_0, src.baseAddress!, dst.baseAddress!, count: 31) }
                #expect(throws: KernelError.unsupportedType(.iq2_XXS, tensor: nil)) {
                    try Kernels.dequantizeRow(.iq2_XXS, src.baseAddress!, dst.baseAddress!, count: 256)
                }
            }
        }
        #expect(!Kernels.isSupported(.iq4_NL))
        #expect(Set(Kernels.supportedTypes) == Set(allTypes))
    }

    /// Our half conversions against Swift's `Float16` (where the platform has it).
    @Test func halfConversionsMatchFloat16() {
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = halfToFloat(bits)
            if expected.isNaN { #expect(actual.isNaN) } else { #expect(actual.bitPattern == expected.bitPattern, "\(bits)") }
            // The branch-free vector version, four lanes at once, agrees bit for bit.
            let lanes = halfToFloat(SIMD4<UInt32>(UInt32(bits), UInt32(bits ^ 0x8000), 0x7C00, 1))
            #expect(lanes[0].bitPattern == actual.bitPattern && lanes[1].bitPattern == halfToFloat(bits ^ 0x8000).bitPattern)
            #expect(lanes[2] == .infinity && lanes[3] == Float(bitPattern: 0x3380_0000))
        }
        var rng = SplitMix64(seed: 3)
        var samples: [Float] = [0, -0, 65504, 65519.99, 65520, 1e-8, 2.98e-8, 5.96e-8, 6.1e-5, 6.09e-5, .infinity, -.infinity, 1e30]
        for _ in 0..<100_000 { samples.append(Float(bitPattern: UInt32.random(in: 0x2E00_0000...0x4800_0000, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1)) }
        for x in samples { #expect(floatToHalf(x) == Float16(x).bitPattern, "\(x)") }
        #expect(halfToFloat(floatToHalf(.nan)).isNaN)
        #endif
    }

    @Test func bfloat16RoundsToNearestEven() {
        #expect(floatToBF16(1) == 0x3F80)
        #expect(floatToBF16(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, even stays
        #expect(floatToBF16(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, odd rounds up
        #expect(floatToBF16(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(bf16ToFloat(floatToBF16(.nan)).isNaN)
        #expect(floatToBF16(.infinity) == 0x7F80)
    }
}
