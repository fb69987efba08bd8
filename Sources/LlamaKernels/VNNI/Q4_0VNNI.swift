#if LLAMA_AVX512_VNNI
import _Builtin_intrinsics.intel

extension Q4_0Format {
    /// The Q4_0 × Q8x32 dot with one VPDPBUSD per block: the 16 packed bytes are broadcast to
    /// both 128-bit halves, the upper half shifted right by 4, both masked to nibbles, which gives
    /// the 32 codes in element order. Codes are unsigned (0...15), so Σ (code − 8)·a is
    /// Σ code·a − 8·Σ a, and the activation block carries d·Σ a. Blocks alternate between two
    /// accumulators so that consecutive fused multiply-adds do not wait on each other.
    static func dotVNNI(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        let shifts = SIMD4<Int64>(0, 0, 4, 4)
        let nibbles = _mm256_set1_epi8(0x0F)
        @inline(__always)
        func step(_ b: Int, _ sum: inout __m256, _ offsets: inout Float) {
            let w = weights + b * 18
            let a = activation + b * 40
            let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 2, as: SIMD2<Int64>.self))
            let codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
            let d = half(w, 0)
            sum = accumulate(sum, dpbusd(codes, a, 8), d * float(a, 0))
            offsets += d * float(a, 4)
        }
        var sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps()
        var offsets0: Float = 0, offsets1: Float = 0
        var b = 0
        while b + 2 <= blocks {
            step(b, &sum0, &offsets0)
            step(b + 1, &sum1, &offsets1)
            b += 2
        }
        if b < blocks { step(b, &sum0, &offsets0) }
        return horizontalSum(_mm256_add_ps(sum0, sum1)) - 8 * (offsets0 + offsets1)
    }
}
#endif
