#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q8_0Format {
    /// The Q8_0 × Q8x32 dot with one signed `dpbusd` per block.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        for b in 0..<blocks {
            let w = weights + b * 34
            let a = activation + b * 40
            prefetchAhead(w, bytes: 34)
            let products = dpbssd(load256(w, 2), load256(a, 8))
            sum = accumulate(sum, products, broadcastHalf(w, 0), activation: a)
        }
        return horizontalSum(sum)
    }
}
#endif
