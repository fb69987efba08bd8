#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q2_KFormat {
    /// The Q2_K × Q8_K dot: each 32 bytes of codes hold four runs of 32 weights (bits 2·s); one
    /// `dpbusd` per run, whose lanes 0–3 and 4–7 belong to two groups of 16 with their own 4-bit
    /// scales; minimums times the Q8_K group sums in one step (``accumulateGroupSums(_:_:_:scale:)``).
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets = _mm256_setzero_ps()
        let twoBits = _mm256_set1_epi8(3)
        for b in 0..<blocks {
            let w = weights + b * 84
            let a = activation + b * 292
            prefetchAhead(w, bytes: 84)
            let packedScales = w.loadUnaligned(as: SIMD2<Int64>.self)
            let scales = _mm_and_si128(packedScales, _mm_set1_epi8(0x0F))
            var products = _mm256_setzero_si256()
            for h in 0..<2 {
                let packed = load256(w, 16 + h * 32)
                for run in 0..<4 {
                    let codes = shiftBytesRight(packed, Int32(2 * run), mask: twoBits)
                    let group = h * 8 + run * 2
                    products = accumulate(products, codes, load256(a, 4 + group * 16), scales: laneScales(scales, group, group + 1))
                }
            }
            // The sixteen 4-bit minimums (high nibbles of the scale bytes) times the group sums.
            let minimums = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packedScales, 4), _mm_set1_epi8(0x0F)))
            sum = accumulate(sum, products, scale: blockScale(w, 80, a))
            offsets = accumulateGroupSums(offsets, minimums, a, scale: blockScale(w, 82, a))
        }
        return horizontalSum(_mm256_sub_ps(sum, offsets))
    }
}
#endif
