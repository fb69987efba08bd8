#if LLAMA_AVX512_VNNI
import _Builtin_intrinsics.intel

extension Q8_0Format {
    /// The Q8_0 × Q8x32 dot with one signed VPDPBUSD per block.
    static func dotVNNI(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps()
        for b in 0..<blocks {
            let w = weights + b * 34
            let a = activation + b * 40
            let products = dpbssd(load256(w, 2), load256(a, 8))
            sum = _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), _mm256_set1_ps(half(w, 0) * float(a, 0)), sum)
        }
        return horizontalSum(sum)
    }
}
#endif
