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
            let w = weights + b * blockBytes
            let a = activation + b * Q8x32.blockBytes
            prefetchAhead(w, bytes: blockBytes)
            let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: codesOffset, as: SIMD2<Int64>.self))
            let codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
            sum = accumulate(sum, dpbusd(codes, a, Q8x32.valuesOffset), broadcastHalf(w, dOffset), activation: a)
            offsets = accumulateOffset(offsets, broadcastHalf(w, mOffset), activation: a)
        }
        return horizontalSum(sum) + _mm256_cvtss_f32(offsets)
    }
}
#endif
