#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q5_K × Q8_K dot: as Q4_K's, with each sub-block's fifth bits taken from the shared
/// 32 bytes of high bits (bit t for sub-block t) and moved to bit 4. Matrices prepared for the
/// products read ``Q5_KRepacked``.
extension Q5_KFormat: ScaleMinKQuant {
    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: ScaleMinHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        (codes(w, s), laneScales(header.scales, s))
    }

    /// Sub-block s's codes: four bits from the nibbles at 48 + 32·(s / 2), the fifth from bit s of
    /// the 32 bytes at 16.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        let fifth = _mm256_slli_epi16(shiftBytesRight(load256(w, 16), Int32(s), mask: _mm256_set1_epi8(1)), 4)
        return _mm256_or_si256(nibbles(load256(w, 48 + (s / 2) * 32), high: s % 2 == 1), fifth)
    }
}
#endif
