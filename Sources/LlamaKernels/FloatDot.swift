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
