/// Σ w[i]·a[i] over `count` float activations, with weights read 8 at a time by `load(weights, i)`
/// into two independent accumulators, and the tail one at a time by `scalar`.
@inline(__always)
func floatDot(
    _ count: Int, _ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer,
    load: (UnsafeRawPointer, Int) -> SIMD8<Float>, scalar: (UnsafeRawPointer, Int) -> Float
) -> Float {
    var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= count {
        sum0 += load(weights, i) * activation.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        sum1 += load(weights, i + 8) * activation.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
        i += 16
    }
    var total = (sum0 + sum1).sum()
    while i < count {
        total += scalar(weights, i) * activation.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
        i += 1
    }
    return total
}
