#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q3_KFormat {
    /// The Q3_K × Q8_K dot: codes are taken as low bits + 4 × high bit (0...7, unsigned for
    /// `dpbusd`), so Σ (code − 4)·a is Σ code·a − 4·Σ a, the second term from the Q8_K sums.
    /// Runs of 32 and their two groups of 16 as in Q2_K's native dot.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        var offsets: Float = 0
        let twoBits = _mm256_set1_epi8(3), oneBit = _mm256_set1_epi8(1)
        for b in 0..<blocks {
            let w = weights + b * 110
            let a = activation + b * 292
            let highBits = load256(w, 0)
            var products = _mm256_setzero_si256()
            var offset: Int32 = 0
            for h in 0..<2 {
                let packed = load256(w, 32 + h * 32)
                for run in 0..<4 {
                    let low = shiftBytesRight(packed, Int32(2 * run), mask: twoBits)
                    let high = _mm256_slli_epi16(shiftBytesRight(highBits, Int32(4 * h + run), mask: oneBit), 2)
                    let group = h * 8 + run * 2
                    let s0 = scale(w, group), s1 = scale(w, group + 1)
                    products = accumulate(products, dpbusd(_mm256_or_si256(low, high), a, 4 + group * 16), _mm256_setr_epi32(s0, s0, s0, s0, s1, s1, s1, s1))
                    let sum0 = a.loadUnaligned(fromByteOffset: Q8xK.sumsOffset + 2 * group, as: Int16.self)
                    let sum1 = a.loadUnaligned(fromByteOffset: Q8xK.sumsOffset + 2 * group + 2, as: Int16.self)
                    offset += s0 * Int32(sum0) + s1 * Int32(sum1)
                }
            }
            let scale = half(w, 108) * float(a, 0)
            sum = accumulate(sum, products, scale)
            offsets += scale * Float(4 * offset)
        }
        return horizontalSum(sum) - offsets
    }
}
#endif
