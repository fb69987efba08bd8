#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q3_KFormat {
    /// The Q3_K × Q8_K dot: codes are taken as low bits + 4 × high bit (0...7, unsigned for
    /// `dpbusd`), so Σ (code − 4)·a is Σ code·a − 4·Σ a, the second term from the Q8_K sums.
    /// Runs of 32 and their two groups of 16 as in Q2_K's native dot.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets = _mm256_setzero_ps()
        let twoBits = _mm256_set1_epi8(3), oneBit = _mm256_set1_epi8(1)
        for b in 0..<blocks {
            let w = weights + b * 110
            let a = activation + b * 292
            prefetchAhead(w, bytes: 110)
            let highBits = load256(w, 0)
            // The sixteen 6-bit scales, biased by 32, as bytes in two words (scales 0–7, 8–15),
            // with whole-word operations: per scale, LLVM turned the work into byte shuffles
            // that cost more than the rest of the block.
            let lowBits = w.loadUnaligned(fromByteOffset: 96, as: UInt64.self)
            let highBits32 = UInt64(w.loadUnaligned(fromByteOffset: 104, as: UInt32.self))
            let top = { (shift: UInt64) in (highBits32 >> shift) & 0x0303_0303 }
            let biased = (
                (lowBits & 0x0F0F_0F0F_0F0F_0F0F) | (top(0) | top(2) << 32) << 4,
                ((lowBits >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | (top(4) | top(6) << 32) << 4)
            let scaleBytes = _mm_sub_epi8(unsafeBitCast(SIMD2<UInt64>(biased.0, biased.1), to: __m128i.self), _mm_set1_epi8(32))
            let scales = _mm256_cvtepi8_epi16(scaleBytes)
            var products = _mm256_setzero_si256()
            for h in 0..<2 {
                let packed = load256(w, 32 + h * 32)
                for run in 0..<4 {
                    let low = shiftBytesRight(packed, Int32(2 * run), mask: twoBits)
                    let high = _mm256_slli_epi16(shiftBytesRight(highBits, Int32(4 * h + run), mask: oneBit), 2)
                    let group = h * 8 + run * 2
                    products = accumulate(products, _mm256_or_si256(low, high), load256(a, 4 + group * 16),
                                          scales: laneScales(scaleBytes, group, group + 1))
                }
            }
            let scale = blockScale(w, 108, a)
            sum = accumulate(sum, products, scale: scale)
            offsets = accumulateGroupSums(offsets, scales, a, scale: scale)
        }
        return horizontalSum(_mm256_fnmadd_ps(offsets, _mm256_set1_ps(4), sum))
    }
}
#endif
