#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q6_KFormat {
    /// The Q6_K × Q8_K dot: codes are taken unsigned (0...63) for `dpbusd`, so Σ (code − 32)·a is
    /// Σ code·a − 32·Σ a, the second term from the Q8_K sums of 16. Each 32 codes span two groups
    /// of 16 with their own scales: lanes 0–3 and 4–7 of the `dpbusd` result.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets = _mm256_setzero_ps()
        let nibble = _mm256_set1_epi8(0x0F), bits45 = _mm256_set1_epi8(0x30)
        for b in 0..<blocks {
            let w = weights + b * 210
            let a = activation + b * 292
            prefetchAhead(w, bytes: 210)
            let scales = w.loadUnaligned(fromByteOffset: 192, as: SIMD2<Int64>.self)
            var products = _mm256_setzero_si256()
            for h in 0..<2 {
                let low0 = load256(w, h * 64), low1 = load256(w, h * 64 + 32)
                let high = load256(w, 128 + h * 32)
                for quarter in 0..<4 {
                    let lows = quarter % 2 == 0 ? low0 : low1
                    let low = quarter < 2 ? _mm256_and_si256(lows, nibble) : shiftBytesRight(lows, 4, mask: nibble)
                    // Bits 2·quarter and 2·quarter + 1 of `high` moved to bits 4 and 5.
                    let shifted = quarter < 2 ? _mm256_slli_epi16(high, Int32(4 - 2 * quarter))
                        : quarter == 2 ? high : _mm256_srli_epi16(high, 2)
                    let highBits = _mm256_and_si256(shifted, bits45)
                    let group = h * 8 + quarter * 2
                    products = accumulate(products, _mm256_or_si256(low, highBits), load256(a, 4 + group * 16),
                                          scales: laneScales(scales, group, group + 1))
                }
            }
            // Σ scale[g] × sum[g] over the sixteen groups of 16.
            let scale = blockScale(w, 208, a)
            sum = accumulate(sum, products, scale: scale)
            offsets = accumulateGroupSums(offsets, _mm256_cvtepi8_epi16(scales), a, scale: scale)
        }
        return horizontalSum(_mm256_fnmadd_ps(offsets, _mm256_set1_ps(32), sum))
    }
}
#endif
