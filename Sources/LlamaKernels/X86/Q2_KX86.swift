#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q2_K × Q8_K dot: each 32 bytes of codes hold four steps of 32 weights (bits 2·(s mod 4)),
/// whose lanes 0–3 and 4–7 belong to two groups of 16 with their own 4-bit scales (low nibbles
/// of the scale bytes); the 4-bit minimums (high nibbles) times the Q8_K group sums are the
/// offset term.
///
/// Codes are masked where they lie rather than shifted down first: steps 1 and 3 take bits 2–3
/// (code × 4, at most 12) and steps 2 and 3 share one shift by four, so five operations unpack
/// four steps where eight did. The other steps' scales are multiplied by 4 to match, and the
/// block's products are 4 times the dot, taken back in its float scale.
///
/// Matrices prepared for the products read ``Q2_KRepacked`` instead.
extension Q2_KFormat: KQuantKernel {
    static var offsetFactor: Float { 1 }

    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> GroupHeader {
        let packed = w.loadUnaligned(as: SIMD2<Int64>.self), nibble = _mm_set1_epi8(0x0F)
        return GroupHeader(scales: GroupScales(unsigned: _mm_and_si128(packed, nibble)),
                           groupWeights: _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), nibble)))
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: GroupHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let packed = load256(w, 16 + (s / 4) * 32), quarter = s % 4
        let source = quarter < 2 ? packed : _mm256_srli_epi16(packed, 4)
        let odd = quarter % 2 == 1
        let codes = _mm256_and_si256(source, _mm256_set1_epi8(odd ? 0x0C : 0x03))
        return (codes, (odd ? header.scales : header.scales.shifted(2)).lanes(s))
    }

    /// Step s's codes shifted down: bits 2·(s mod 4) of the 32 bytes at 16 + 32·(s / 4).
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        shiftBytesRight(load256(w, 16 + (s / 4) * 32), Int32(2 * (s % 4)), mask: _mm256_set1_epi8(3))
    }

    @inline(__always)
    static func groupWeights(_ header: GroupHeader) -> __m256i { header.groupWeights }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 {
        _mm256_mul_ps(blockScale(w, 80, a), _mm256_set1_ps(0.25))
    }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 82, a) }
}
#endif
