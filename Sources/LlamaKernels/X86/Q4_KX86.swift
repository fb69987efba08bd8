#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q4_K × Q8_K dot: each 32 bytes of codes give two sub-blocks (low and high nibbles), one
/// `dpbusd` each, weighted by their 6-bit scales in integer lanes; the minimums times the Q8_K
/// group sums are the offset term.
extension Q4_KFormat: ScaleMinKQuant {
    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: ScaleMinHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let packed = load256(w, 16 + (s / 2) * 32), nibble = _mm256_set1_epi8(0x0F)
        let codes = s % 2 == 0 ? _mm256_and_si256(packed, nibble) : shiftBytesRight(packed, 4, mask: nibble)
        return (codes, laneScales(header.scales, s))
    }
}
#endif
