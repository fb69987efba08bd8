#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q4_K × Q8_K dot: each 32 bytes of codes give two sub-blocks (low and high nibbles), one
/// `dpbusd` each, weighted by their 6-bit scales in integer lanes; the minimums times the Q8_K
/// group sums are the offset term. Matrices prepared for the products read ``Q4_KRepacked``.
extension Q4_KFormat: ScaleMinKQuant {
    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: ScaleMinHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        (codes(w, s), laneScales(header.scales, s))
    }

    /// Sub-block s's codes: the low (even s) or high nibbles of the 32 bytes at 16 + 32·(s / 2).
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        nibbles(load256(w, 16 + (s / 2) * 32), high: s % 2 == 1)
    }
}

/// The low or high nibbles of `packed`, one per byte.
@inline(__always)
func nibbles(_ packed: __m256i, high: Bool) -> __m256i {
    let nibble = _mm256_set1_epi8(0x0F)
    return high ? shiftBytesRight(packed, 4, mask: nibble) : _mm256_and_si256(packed, nibble)
}
#endif
