#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q5_KFormat {
    /// The Q5_K × Q8_K dot: as Q4_K's, with each sub-block's fifth bits taken from the shared
    /// 32 bytes of high bits (bit t for sub-block t) and moved to bit 4.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets = _mm256_setzero_ps()
        let nibble = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1)
        for b in 0..<blocks {
            let w = weights + b * 176
            let a = activation + b * 292
            prefetchAhead(w, bytes: 176)
            let (scales, minimums) = unpackScaleMins(w + 4)
            let fifth = load256(w, 16)
            let widened = subBlockScales(scales.bytes)
            var products = _mm256_setzero_si256()
            for g in 0..<4 {
                let packed = load256(w, 48 + g * 32)
                let lowFifth = _mm256_slli_epi16(shiftBytesRight(fifth, Int32(2 * g), mask: one), 4)
                let highFifth = _mm256_slli_epi16(shiftBytesRight(fifth, Int32(2 * g + 1), mask: one), 4)
                let low = _mm256_or_si256(_mm256_and_si256(packed, nibble), lowFifth)
                let high = _mm256_or_si256(shiftBytesRight(packed, 4, mask: nibble), highFifth)
                products = accumulate(products, low, load256(a, 4 + g * 64), scales: laneScales(widened, 2 * g))
                products = accumulate(products, high, load256(a, 36 + g * 64), scales: laneScales(widened, 2 * g + 1))
            }
            sum = accumulate(sum, products, scale: blockScale(w, 0, a))
            offsets = accumulateGroupSums(offsets, groupMinimums(minimums), a, scale: blockScale(w, 2, a))
        }
        return horizontalSum(_mm256_sub_ps(sum, offsets))
    }
}
#endif
