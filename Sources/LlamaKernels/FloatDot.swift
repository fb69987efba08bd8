/// A float weight type the shared float dot product can read.
protocol FloatWeights {
    /// Weights i..<i+8 as two vectors lined up with activations i..<i+4 and i+4..<i+8, in the
    /// order the type's activation format stores them.
    static func load8(_ weights: UnsafeRawPointer, _ i: Int) -> (SIMD4<Float>, SIMD4<Float>)
    /// Weight i (for a final run shorter than 8).
    static func load1(_ weights: UnsafeRawPointer, _ i: Int) -> Float
}

/// Σ w[i]·a[i] over `count` float activations, two vector accumulators, tail one at a time.
/// (Generic rather than taking closures: closures were not inlined into the loop.)
@inline(__always)
func floatDot<W: FloatWeights>(_: W.Type, _ count: Int, _ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer) -> Float {
    var sum0 = SIMD4<Float>(), sum1 = SIMD4<Float>()
    var i = 0
    while i + 8 <= count {
        let (w0, w1) = W.load8(weights, i)
        sum0 += w0 * activation.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self)
        sum1 += w1 * activation.loadUnaligned(fromByteOffset: i * 4 + 16, as: SIMD4<Float>.self)
        i += 8
    }
    var total = (sum0 + sum1).sum()
    while i < count {
        total += W.load1(weights, i) * activation.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
        i += 1
    }
    return total
}

/// ``floatDot(_:_:_:_:)`` of one weight row with `rows` float activation rows `activationStride`
/// bytes apart, into `out[0]`, `out[outStride]`, …: four rows at a time share each weight load,
/// and every row keeps the single-row accumulators and order, so the results are equal bit for bit.
@inline(__always)
func floatDotRows<W: FloatWeights>(_: W.Type, _ count: Int, _ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer,
                                   activationStride: Int, rows: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    var r = 0
    while r + 4 <= rows {
        let a = (activations + r * activationStride, activations + (r + 1) * activationStride,
                 activations + (r + 2) * activationStride, activations + (r + 3) * activationStride)
        var s0 = (SIMD4<Float>(), SIMD4<Float>()), s1 = s0, s2 = s0, s3 = s0
        @inline(__always)
        func step(_ a: UnsafeRawPointer, _ i: Int, _ w0: SIMD4<Float>, _ w1: SIMD4<Float>, _ s: inout (SIMD4<Float>, SIMD4<Float>)) {
            s.0 += w0 * a.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self)
            s.1 += w1 * a.loadUnaligned(fromByteOffset: i * 4 + 16, as: SIMD4<Float>.self)
        }
        var i = 0
        while i + 8 <= count {
            let (w0, w1) = W.load8(weights, i)
            step(a.0, i, w0, w1, &s0)
            step(a.1, i, w0, w1, &s1)
            step(a.2, i, w0, w1, &s2)
            step(a.3, i, w0, w1, &s3)
            i += 8
        }
        @inline(__always)
        func finish(_ a: UnsafeRawPointer, _ s: (SIMD4<Float>, SIMD4<Float>)) -> Float {
            var total = (s.0 + s.1).sum()
            for j in i..<count { total += W.load1(weights, j) * a.loadUnaligned(fromByteOffset: j * 4, as: Float.self) }
            return total
        }
        let o = out + r * outStride
        o[0] = finish(a.0, s0)
        o[outStride] = finish(a.1, s1)
        o[2 * outStride] = finish(a.2, s2)
        o[3 * outStride] = finish(a.3, s3)
        r += 4
    }
    while r < rows {
        out[r * outStride] = floatDot(W.self, count, weights, activations + r * activationStride)
        r += 1
    }
}
