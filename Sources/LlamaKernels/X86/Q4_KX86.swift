#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q4_KFormat {
    /// The Q4_K × Q8_K dot: each 32 bytes of codes give two sub-blocks (low and high nibbles), one
    /// `dpbusd` each, weighted by their 6-bit scales in integer lanes; minimums as in the portable dot.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets = _mm256_setzero_ps()
        let nibble = _mm256_set1_epi8(0x0F)
        for b in 0..<blocks {
            let w = weights + b * 144
            let a = activation + b * 292
            prefetchAhead(w, bytes: 144)
            let (scales, minimums) = unpackScaleMins(w + 4)
            let widened = subBlockScales(scales.bytes)
            var products = _mm256_setzero_si256()
            for g in 0..<4 {
                let packed = load256(w, 16 + g * 32)
                products = accumulate(products, _mm256_and_si256(packed, nibble), load256(a, 4 + g * 64), scales: laneScales(widened, 2 * g))
                products = accumulate(products, shiftBytesRight(packed, 4, mask: nibble), load256(a, 36 + g * 64), scales: laneScales(widened, 2 * g + 1))
            }
            sum = accumulate(sum, products, scale: blockScale(w, 0, a))
            offsets = accumulateGroupSums(offsets, groupMinimums(minimums), a, scale: blockScale(w, 2, a))
        }
        return horizontalSum(_mm256_sub_ps(sum, offsets))
    }
}
#endif
