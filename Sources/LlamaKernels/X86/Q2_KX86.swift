#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q2_K × Q8_K dot: each 32 bytes of codes hold four runs of 32 weights (bits 2·run); one
/// `dpbusd` per run, whose lanes 0–3 and 4–7 belong to two groups of 16 with their own 4-bit
/// scales (low nibbles of the scale bytes); the 4-bit minimums (high nibbles) times the Q8_K
/// group sums are the offset term.
extension Q2_KFormat: KQuantKernel {
    static var offsetFactor: Float { 1 }

    /// The sixteen scale bytes, each a scale (low nibble) and a minimum (high nibble).
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> __m128i { w.loadUnaligned(as: SIMD2<Int64>.self) }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ packedScales: __m128i, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let packed = load256(w, 16 + (s / 4) * 32)
        let codes = shiftBytesRight(packed, Int32(2 * (s % 4)), mask: _mm256_set1_epi8(3))
        let scales = _mm_and_si128(packedScales, _mm_set1_epi8(0x0F))
        return (codes, laneScales(scales, 2 * s, 2 * s + 1))
    }

    @inline(__always)
    static func groupWeights(_ w: UnsafeRawPointer, _ packedScales: __m128i) -> __m256i {
        _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packedScales, 4), _mm_set1_epi8(0x0F)))
    }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 80, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 82, a) }
}
#endif
