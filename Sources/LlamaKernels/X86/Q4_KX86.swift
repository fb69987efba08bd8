#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The Q4_K × Q8_K dot: each 32 bytes of codes give two sub-blocks (low and high nibbles), one
/// `dpbusd` each, weighted by their 6-bit scales in integer lanes; the minimums times the Q8_K
/// group sums are the offset term.
extension Q4_KFormat: KQuantKernel {
    static var offsetFactor: Float { 1 }

    /// The eight sub-block scales widened for ``laneScales(_:_:)``, and the eight minimums.
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> (scales: __m256i, minimums: SixBitValues) {
        let (scales, minimums) = unpackScaleMins(w + 4)
        return (subBlockScales(scales.bytes), minimums)
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: (scales: __m256i, minimums: SixBitValues), _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let packed = load256(w, 16 + (s / 2) * 32), nibble = _mm256_set1_epi8(0x0F)
        let codes = s % 2 == 0 ? _mm256_and_si256(packed, nibble) : shiftBytesRight(packed, 4, mask: nibble)
        return (codes, laneScales(header.scales, s))
    }

    @inline(__always)
    static func groupWeights(_ w: UnsafeRawPointer, _ header: (scales: __m256i, minimums: SixBitValues)) -> __m256i {
        groupMinimums(header.minimums)
    }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 0, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 2, a) }
}
#endif
