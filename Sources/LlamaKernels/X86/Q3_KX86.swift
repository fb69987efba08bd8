#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q3_K × Q8_K dot: codes are taken as low bits + 4 × high bit (0...7, unsigned for
/// `dpbusd`), so Σ (code − 4)·a is Σ code·a − 4·Σ a, the second term from the Q8_K sums.
/// Runs of 32 and their two groups of 16 as in Q2_K's native dot. Matrices prepared for the
/// products read ``Q3_KRepacked`` instead.
extension Q3_KFormat: KQuantKernel {
    static var offsetFactor: Float { 4 }

    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> GroupHeader { GroupHeader(signed: scaleBytes(w)) }

    /// The sixteen signed 6-bit scales, as bytes.
    ///
    /// They are stored biased by 32, low four bits and top two apart; they are gathered into two
    /// words (scales 0–7, 8–15) with whole-word operations: per scale, LLVM turned the work into
    /// byte shuffles that cost more than the rest of the block.
    @inline(__always)
    static func scaleBytes(_ w: UnsafeRawPointer) -> __m128i {
        let lowBits = w.loadUnaligned(fromByteOffset: 96, as: UInt64.self)
        let highBits32 = UInt64(w.loadUnaligned(fromByteOffset: 104, as: UInt32.self))
        let top = { (shift: UInt64) in (highBits32 >> shift) & 0x0303_0303 }
        let biased = (
            (lowBits & 0x0F0F_0F0F_0F0F_0F0F) | (top(0) | top(2) << 32) << 4,
            ((lowBits >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | (top(4) | top(6) << 32) << 4)
        return _mm_sub_epi8(unsafeBitCast(SIMD2<UInt64>(biased.0, biased.1), to: __m128i.self), _mm_set1_epi8(32))
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: GroupHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        (codes(w, s), header.scales.lanes(s))
    }

    /// Step s's codes: two low bits from the 32 bytes at 32 + 32·(s / 4) (bits 2·(s mod 4)), the
    /// third from the 32 high-bit bytes at 0 (bit s).
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        let low = shiftBytesRight(load256(w, 32 + (s / 4) * 32), Int32(2 * (s % 4)), mask: _mm256_set1_epi8(3))
        let high = _mm256_slli_epi16(shiftBytesRight(load256(w, 0), Int32(s), mask: _mm256_set1_epi8(1)), 2)
        return _mm256_or_si256(low, high)
    }

    @inline(__always)
    static func groupWeights(_ header: GroupHeader) -> __m256i { header.groupWeights }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 108, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 108, a) }
}
#endif
