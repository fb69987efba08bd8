#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension BF16Format {
    /// The BF16 × float dot: eight values zero-extended to 32-bit lanes and shifted into the top
    /// half make eight floats in order; two fused multiply-add accumulators.
    static func dotAVX2(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, count: Int) -> Float {
        @inline(__always)
        func load8(_ i: Int) -> __m256 {
            let wide = _mm256_cvtepu16_epi32(weights.loadUnaligned(fromByteOffset: i * 2, as: SIMD2<Int64>.self))
            return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16))
        }
        var sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps()
        var i = 0
        while i + 16 <= count {
            prefetchAhead(weights + i * 2, bytes: 32)
            sum0 = _mm256_fmadd_ps(load8(i), activation.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), sum0)
            sum1 = _mm256_fmadd_ps(load8(i + 8), activation.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self), sum1)
            i += 16
        }
        var total = horizontalSum(_mm256_add_ps(sum0, sum1))
        while i < count {
            total += bf16ToFloat(weights.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) * activation.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
            i += 1
        }
        return total
    }
}
#endif
