#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q6_K × Q8_K dot: codes are taken unsigned (0...63) for `dpbusd`, so Σ (code − 32)·a is
/// Σ code·a − 32·Σ a, the second term from the Q8_K sums of 16. Each 32 codes span two groups
/// of 16 with their own scales: lanes 0–3 and 4–7 of the `dpbusd` result. Matrices prepared for
/// the products read ``Q6_KRepacked``.
extension Q6_KFormat: KQuantKernel {
    static var offsetFactor: Float { 32 }

    /// The sixteen signed group scales.
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> GroupHeader {
        GroupHeader(signed: w.loadUnaligned(fromByteOffset: 192, as: SIMD2<Int64>.self))
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: GroupHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        (codes(w, s), header.scales.lanes(s))
    }

    /// Step s's codes: steps 4h..<4h+4 take their low four bits from the 64 bytes at 64h (low
    /// nibbles, then high nibbles) and their top two from the 32 bytes at 128 + 32h (bits
    /// 2·(s mod 4) and up).
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        let h = s / 4, quarter = s % 4
        let low = nibbles(load256(w, h * 64 + (quarter % 2) * 32), high: quarter >= 2)
        return _mm256_or_si256(low, topBits(load256(w, 128 + h * 32), quarter))
    }

    @inline(__always)
    static func groupWeights(_ header: GroupHeader) -> __m256i { header.groupWeights }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 208, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 208, a) }
}
/// Bits 2·`quarter` and 2·`quarter` + 1 of each byte of `packed` moved to bits 4 and 5, the rest
/// cleared: a Q6_K code's top two bits in place (a 16-bit shift moves bits across bytes, but none
/// that the mask keeps).
@inline(__always)
func topBits(_ packed: __m256i, _ quarter: Int) -> __m256i {
    let shifted = quarter < 2 ? _mm256_slli_epi16(packed, Int32(4 - 2 * quarter))
        : quarter == 2 ? packed : _mm256_srli_epi16(packed, 2)
    return _mm256_and_si256(shifted, _mm256_set1_epi8(0x30))
}
#endif
