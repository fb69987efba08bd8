import Foundation
import LlamaKernels
@testable import LlamaSwift
import Testing

/// The vectorised exponential behind softmax, SwiGLU and GEGLU against the C library's, and the
/// gates and soft cap built on it against their formulas.
@Suite struct VectorMathTests {
    @Test func vectorExpIsWithinAFewUlpsOfTheLibraryExp() {
        var worst: Float = 0
        // -87...88 in steps that hit many fractional parts, plus the ends and zero.
        var xs = stride(from: Float(-87), through: 88, by: 0.013).map { $0 }
        xs += [-87, 0, 88, -1e-7, 1e-7]
        for start in stride(from: 0, to: xs.count - 8, by: 8) {
            let lanes = SIMD8<Float>(xs[start..<start + 8])
            let e = VectorMath.exp(lanes)
            for i in 0..<8 {
                let exact = Foundation.exp(Double(lanes[i]))
                worst = max(worst, Float(abs(Double(e[i]) - exact) / exact))
            }
        }
        #expect(worst <= 3e-7, "worst relative error \(worst)")
    }

    @Test func vectorExpClampsInsteadOfOverflowing() {
        let e = VectorMath.exp(SIMD8<Float>(-1000, -88, 89, 1000, .infinity, -.infinity, 0, 1))
        #expect(e[0] > 0 && e[0] < 1e-37 && e[1] > 0 && e[1] < 1e-37)
        #expect(e[2].isFinite && e[3].isFinite && e[4].isFinite && e[2] > 1e38)
        #expect(e[5] >= 0 && e[5] < 1e-37)
        #expect(e[6] == 1 && abs(e[7] - Float(M_E)) <= 1e-6)
    }

    @Test func softmaxSumsToOneAndKeepsTheOrder() {
        var x: [Float] = (0..<37).map { Float(($0 * 7) % 11) - 5 }
        let before = x
        x.withUnsafeMutableBufferPointer { VectorMath.softmax($0.baseAddress!, count: 37) }
        #expect(abs(x.reduce(0, +) - 1) < 1e-5)
        for i in 0..<37 {
            let exact = Foundation.exp(Double(before[i]) - 5) / before.map { Foundation.exp(Double($0) - 5) }.reduce(0, +)
            #expect(abs(Double(x[i]) - exact) <= 1e-6, "element \(i)")
        }
    }

    @Test func halfPrecisionRoundingMatchesTheF16Codec() throws {
        // Magnitudes from half subnormals (below 6.1e-5) to the largest half, both signs, and
        // a length that leaves a partial vector.
        var generator = SeededGenerator(seed: 77)
        var x: [Float] = (0..<4099).map { _ in
            let magnitude = Float(exp2(Double.random(in: -26...15.9, using: &generator)))
            return Bool.random(using: &generator) ? magnitude : -magnitude
        }
        x += [0, -0, 1, 65504, 6.1035156e-5, 5.9604645e-8, 2.9e-8]
        var expected = x
        var halves = [UInt16](repeating: 0, count: x.count)
        try halves.withUnsafeMutableBytes { h in
            try Kernels.quantizeRow(.f16, expected, h.baseAddress!, count: x.count)
            try Kernels.dequantizeRow(.f16, h.baseAddress!, &expected, count: x.count)
        }
        x.withUnsafeMutableBufferPointer { VectorMath.roundToHalfPrecision($0.baseAddress!, count: $0.count) }
        let differing = (0..<x.count).filter { x[$0] != expected[$0] }
        #expect(differing.isEmpty, "\(differing.count) differ, first \(differing.first.map { "\(x[$0]) vs \(expected[$0])" } ?? "")")
    }

    /// GEGLU: GELU's tanh form at the input rounded to half precision, its value rounded again
    /// (llama.cpp's table), `g` itself from 10 up and 0 from −10 down; odd lengths too.
    @Test func gegluMatchesTheHalfPrecisionTable() {
        let gates: [Float] = stride(from: Float(-12), through: 12, by: 0.0371).map { $0 } + [0, 1e-6, -1e-6]
        let ups = gates.indices.map { Float(($0 % 7) - 3) * 0.37 + 0.11 }
        var out = gates
        out.withUnsafeMutableBufferPointer { o in
            ups.withUnsafeBufferPointer { VectorMath.geglu(o.baseAddress!, $0.baseAddress!, count: gates.count) }
        }
        for (i, g) in gates.enumerated() {
            let expected: Float
            if g >= 10 { expected = g * ups[i] } else if g <= -10 { expected = 0 } else {
                let h = Double(Float(Float16(g)))
                let gelu = 0.5 * h * (1 + tanh((2 / Double.pi).squareRoot() * (h + 0.044715 * h * h * h)))
                expected = Float(Float16(Float(gelu))) * ups[i]
            }
            #expect(abs(out[i] - expected) <= 1e-3 * max(1, abs(expected)), "g \(g): \(out[i]) vs \(expected)")
        }
    }

    @Test func softCapIsCapTimesTanh() {
        let xs: [Float] = stride(from: Float(-40), through: 40, by: 0.173).map { $0 }
        var out = xs
        out.withUnsafeMutableBufferPointer { VectorMath.softCap($0.baseAddress!, cap: 6, count: xs.count) }
        for (x, y) in zip(xs, out) {
            #expect(abs(Double(y) - 6 * tanh(Double(x) / 6)) <= 2e-6 * 6, "x \(x)")
        }
    }
}
