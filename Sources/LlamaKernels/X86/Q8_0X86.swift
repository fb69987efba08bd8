#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q8_0Format {
    /// The Q8_0 × Q8x32 dot with one signed `dpbusd` per block.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8x32.blockBytes
            prefetchAhead(w, bytes: blockBytes)
            let products = dpbssd(load256(w, valuesOffset), load256(a, Q8x32.valuesOffset))
            sum = accumulate(sum, products, broadcastHalf(w, dOffset), activation: a)
        }
        return horizontalSum(sum)
    }
}
#endif
