#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q4_1Format {
    /// The Q4_1 × Q8x32 dot: codes unpacked as in Q4_0's native dot; Σ (d·q + m)·a is
    /// d·Σ q·a + m·Σ a with Σ a carried by the activation block.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        let shifts = SIMD4<Int64>(0, 0, 4, 4)
        let nibbles = _mm256_set1_epi8(0x0F)
        var sum = _mm256_setzero_ps()
        var offsets = _mm256_setzero_ps()
        for b in 0..<blocks {
            let w = weights + b * 20
            let a = activation + b * 40
            prefetchAhead(w, bytes: 20)
            let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 4, as: SIMD2<Int64>.self))
            let codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
            sum = accumulate(sum, dpbusd(codes, a, 8), broadcastHalf(w, 0), activation: a)
            offsets = accumulateOffset(offsets, broadcastHalf(w, 2), activation: a)
        }
        return horizontalSum(sum) + _mm256_cvtss_f32(offsets)
    }
}
#endif
