/// Σ w[i]·a[i] over `count` float activations. `load(weights, i)` gives weights i..<i+8 as two
/// vectors lined up with activations i..<i+4 and i+4..<i+8 (as laid out by the activation
/// format); `scalar(weights, i)` gives weight i for a final run shorter than 8.
@inline(__always)
func floatDot(
    _ count: Int, _ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer,
    load: (UnsafeRawPointer, Int) -> (SIMD4<Float>, SIMD4<Float>), scalar: (UnsafeRawPointer, Int) -> Float
) -> Float {
    var sum0 = SIMD4<Float>(), sum1 = SIMD4<Float>()
    var i = 0
    while i + 8 <= count {
        let (w0, w1) = load(weights, i)
        sum0 += w0 * activation.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self)
        sum1 += w1 * activation.loadUnaligned(fromByteOffset: i * 4 + 16, as: SIMD4<Float>.self)
        i += 8
    }
    var total = (sum0 + sum1).sum()
    while i < count {
        total += scalar(weights, i) * activation.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
        i += 1
    }
    return total
}
