#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q5_K × Q8_K dot: as Q4_K's, with each sub-block's fifth bits taken from the shared
/// 32 bytes of high bits (bit t for sub-block t) and moved to bit 4.
extension Q5_KFormat: ScaleMinKQuant {
    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: ScaleMinHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let packed = load256(w, 48 + (s / 2) * 32), nibble = _mm256_set1_epi8(0x0F)
        let low = s % 2 == 0 ? _mm256_and_si256(packed, nibble) : shiftBytesRight(packed, 4, mask: nibble)
        let fifth = _mm256_slli_epi16(shiftBytesRight(load256(w, 16), Int32(s), mask: _mm256_set1_epi8(1)), 4)
        return (_mm256_or_si256(low, fifth), laneScales(header.scales, s))
    }
}
#endif
