#if LLAMA_AVX512_VNNI
import _Builtin_intrinsics.intel

extension Q4_0Format {
    /// The Q4_0 × Q8x32 dot with one VPDPBUSD per block: the 16 packed bytes are broadcast to
    /// both 128-bit halves, the upper half shifted right by 4, both masked to nibbles, which gives
    /// the 32 codes in element order. Codes are unsigned (0...15), so Σ (code − 8)·a is
    /// Σ code·a − 8·Σ a, and the activation block carries d·Σ a.
    static func dotVNNI(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets: Float = 0
        let shifts = SIMD4<Int64>(0, 0, 4, 4)
        let nibbles = _mm256_set1_epi8(0x0F)
        for b in 0..<blocks {
            let w = weights + b * 18
            let a = activation + b * 40
            let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 2, as: SIMD2<Int64>.self))
            let codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
            let products = dpbusd(codes, load256(a, 8))
            let d = half(w, 0)
            sum = _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), _mm256_set1_ps(d * float(a, 0)), sum)
            offsets += d * float(a, 4)
        }
        return horizontalSum(sum) - 8 * offsets
    }
}
#endif
