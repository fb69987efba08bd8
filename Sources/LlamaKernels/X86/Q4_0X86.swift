#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q4_0Format {
    /// The Q4_0 × Q8x32 dot with one `dpbusd` per block: the 16 packed bytes are broadcast to
    /// both 128-bit halves, the upper half shifted right by 4, both masked to nibbles, which gives
    /// the 32 codes in element order. Codes are unsigned (0...15), so Σ (code − 8)·a is
    /// Σ code·a − 8·Σ a, and the activation block carries d·Σ a. Blocks alternate between two
    /// accumulators so that consecutive fused multiply-adds do not wait on each other.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        let shifts = SIMD4<Int64>(0, 0, 4, 4)
        let nibbles = _mm256_set1_epi8(0x0F)
        @inline(__always)
        func step(_ b: Int, _ sum: inout __m256, _ offsets: inout __m256) {
            let w = weights + b * 18
            let a = activation + b * 40
            let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 2, as: SIMD2<Int64>.self))
            let codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
            let d = broadcastHalf(w, 0)
            sum = accumulate(sum, dpbusd(codes, a, 8), d, activation: a)
            offsets = accumulateOffset(offsets, d, activation: a)
        }
        var sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps()
        var offsets0 = _mm256_setzero_ps(), offsets1 = _mm256_setzero_ps()
        var b = 0
        while b + 2 <= blocks {
            step(b, &sum0, &offsets0)
            step(b + 1, &sum1, &offsets1)
            b += 2
        }
        if b < blocks { step(b, &sum0, &offsets0) }
        return horizontalSum(_mm256_add_ps(sum0, sum1)) - 8 * _mm256_cvtss_f32(_mm256_add_ps(offsets0, offsets1))
    }

    /// ``dotX86(_:_:blocks:)`` for four activation rows at a time (`activationStride` bytes
    /// apart), each block's codes unpacked once for all four; leftover rows take the single-row
    /// dot. Every row keeps the single-row dot's two accumulators and block order, so the results
    /// are the same bit for bit.
    static func dotRowsX86(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                            blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        let shifts = SIMD4<Int64>(0, 0, 4, 4)
        let nibbles = _mm256_set1_epi8(0x0F)
        @inline(__always)
        func row(_ codes: __m256i, _ d: __m256, _ a: UnsafeRawPointer, _ sum: inout __m256, _ offsets: inout __m256) {
            sum = accumulate(sum, dpbusd(codes, a, 8), d, activation: a)
            offsets = accumulateOffset(offsets, d, activation: a)
        }
        var i = 0
        while i + 4 <= rows {
            let a0 = activations + i * activationStride, a1 = a0 + activationStride
            let a2 = a1 + activationStride, a3 = a2 + activationStride
            // Row k's even blocks go to sums[k]/offsets[k], its odd blocks to the second set.
            var e0 = _mm256_setzero_ps(), e1 = e0, e2 = e0, e3 = e0
            var o0 = e0, o1 = e0, o2 = e0, o3 = e0
            var eo0 = e0, eo1 = e0, eo2 = e0, eo3 = e0
            var oo0 = e0, oo1 = e0, oo2 = e0, oo3 = e0
            var b = 0
            while b + 2 <= blocks {
                let w = weights + b * 18, x = b * 40
                var packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 2, as: SIMD2<Int64>.self))
                var codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
                var d = broadcastHalf(w, 0)
                row(codes, d, a0 + x, &e0, &eo0)
                row(codes, d, a1 + x, &e1, &eo1)
                row(codes, d, a2 + x, &e2, &eo2)
                row(codes, d, a3 + x, &e3, &eo3)
                packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 20, as: SIMD2<Int64>.self))
                codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
                d = broadcastHalf(w, 18)
                row(codes, d, a0 + x + 40, &o0, &oo0)
                row(codes, d, a1 + x + 40, &o1, &oo1)
                row(codes, d, a2 + x + 40, &o2, &oo2)
                row(codes, d, a3 + x + 40, &o3, &oo3)
                b += 2
            }
            if b < blocks {
                let w = weights + b * 18, x = b * 40
                let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: 2, as: SIMD2<Int64>.self))
                let codes = _mm256_and_si256(_mm256_srlv_epi64(packed, shifts), nibbles)
                let d = broadcastHalf(w, 0)
                row(codes, d, a0 + x, &e0, &eo0)
                row(codes, d, a1 + x, &e1, &eo1)
                row(codes, d, a2 + x, &e2, &eo2)
                row(codes, d, a3 + x, &e3, &eo3)
            }
            let o = out + i * outStride
            o[0] = horizontalSum(_mm256_add_ps(e0, o0)) - 8 * _mm256_cvtss_f32(_mm256_add_ps(eo0, oo0))
            o[outStride] = horizontalSum(_mm256_add_ps(e1, o1)) - 8 * _mm256_cvtss_f32(_mm256_add_ps(eo1, oo1))
            o[2 * outStride] = horizontalSum(_mm256_add_ps(e2, o2)) - 8 * _mm256_cvtss_f32(_mm256_add_ps(eo2, oo2))
            o[3 * outStride] = horizontalSum(_mm256_add_ps(e3, o3)) - 8 * _mm256_cvtss_f32(_mm256_add_ps(eo3, oo3))
            i += 4
        }
        while i < rows {
            out[i * outStride] = dotX86(weights, activations + i * activationStride, blocks: blocks)
            i += 1
        }
    }
}
#endif
