#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q6_K × Q8_K dot: codes are taken unsigned (0...63) for `dpbusd`, so Σ (code − 32)·a is
/// Σ code·a − 32·Σ a, the second term from the Q8_K sums of 16. Each 32 codes span two groups
/// of 16 with their own scales: lanes 0–3 and 4–7 of the `dpbusd` result.
extension Q6_KFormat: KQuantKernel {
    static var offsetFactor: Float { 32 }

    /// The sixteen signed group scales.
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> GroupHeader {
        GroupHeader(signed: w.loadUnaligned(fromByteOffset: 192, as: SIMD2<Int64>.self))
    }

    /// Steps 4h..<4h+4 take their low four bits from the 64 bytes at 64h (low nibbles, then
    /// high nibbles) and their top two from the 32 bytes at 128 + 32h (bits 2·(s mod 4) and up).
    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: GroupHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let h = s / 4, quarter = s % 4
        let nibble = _mm256_set1_epi8(0x0F)
        let lows = load256(w, h * 64 + (quarter % 2) * 32)
        let low = quarter < 2 ? _mm256_and_si256(lows, nibble) : shiftBytesRight(lows, 4, mask: nibble)
        // Bits 2·quarter and 2·quarter + 1 of the high bytes moved to bits 4 and 5.
        let high = load256(w, 128 + h * 32)
        let shifted = quarter < 2 ? _mm256_slli_epi16(high, Int32(4 - 2 * quarter))
            : quarter == 2 ? high : _mm256_srli_epi16(high, 2)
        let codes = _mm256_or_si256(low, _mm256_and_si256(shifted, _mm256_set1_epi8(0x30)))
        return (codes, header.scales.lanes(s))
    }

    @inline(__always)
    static func groupWeights(_ w: UnsafeRawPointer, _ header: GroupHeader) -> __m256i { header.groupWeights }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 208, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 208, a) }
}
#endif
