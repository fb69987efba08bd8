#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension F16Format {
    /// The F16 × float dot with F16C conversions (VCVTPH2PS, eight halves in order) and two
    /// fused multiply-add accumulators; activations are plain floats in this build.
    static func dotF16C(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, count: Int) -> Float {
        var sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps()
        var i = 0
        while i + 16 <= count {
            prefetchAhead(weights + i * 2, bytes: 32)
            let w0 = _mm256_cvtph_ps(weights.loadUnaligned(fromByteOffset: i * 2, as: SIMD2<Int64>.self))
            let w1 = _mm256_cvtph_ps(weights.loadUnaligned(fromByteOffset: i * 2 + 16, as: SIMD2<Int64>.self))
            sum0 = _mm256_fmadd_ps(w0, activation.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), sum0)
            sum1 = _mm256_fmadd_ps(w1, activation.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self), sum1)
            i += 16
        }
        var total = horizontalSum(_mm256_add_ps(sum0, sum1))
        while i < count {
            total += half(weights, i * 2) * activation.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
            i += 1
        }
        return total
    }
}
#endif
