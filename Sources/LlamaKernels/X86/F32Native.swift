#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension F32Format {
    /// Σ w[i]·a[i] with 256-bit fused multiply-adds: sixteen elements a step into two
    /// accumulators, then eight into the first, then the rest one at a time.
    @inline(__always)
    static func dotFMA(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, count: Int) -> Float {
        var sums = (_mm256_setzero_ps(), _mm256_setzero_ps())
        let i = accumulateFMA(weights, activation, count: count, into: &sums)
        return finishFMA(weights, activation, from: i, count: count, horizontalSum(_mm256_add_ps(sums.0, sums.1)))
    }

    /// ``dotFMA(_:_:count:)`` of one weight row with `rows` activation rows `activationStride`
    /// bytes apart, into `out[0]`, `out[outStride]`, …: four rows at a time share each weight
    /// load, each with the single-row accumulators and order, so results equal `dotFMA`'s bit for bit.
    static func dotRowsFMA(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                           count: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        var r = 0
        while r + 4 <= rows {
            let a0 = activations + r * activationStride, a1 = a0 + activationStride
            let a2 = a1 + activationStride, a3 = a2 + activationStride
            var s0 = (_mm256_setzero_ps(), _mm256_setzero_ps()), s1 = s0, s2 = s0, s3 = s0
            var i = 0
            while i + 16 <= count {
                let w0 = load(weights, i), w1 = load(weights, i + 8)
                s0 = (_mm256_fmadd_ps(w0, load(a0, i), s0.0), _mm256_fmadd_ps(w1, load(a0, i + 8), s0.1))
                s1 = (_mm256_fmadd_ps(w0, load(a1, i), s1.0), _mm256_fmadd_ps(w1, load(a1, i + 8), s1.1))
                s2 = (_mm256_fmadd_ps(w0, load(a2, i), s2.0), _mm256_fmadd_ps(w1, load(a2, i + 8), s2.1))
                s3 = (_mm256_fmadd_ps(w0, load(a3, i), s3.0), _mm256_fmadd_ps(w1, load(a3, i + 8), s3.1))
                i += 16
            }
            if i + 8 <= count {
                let w = load(weights, i)
                s0.0 = _mm256_fmadd_ps(w, load(a0, i), s0.0)
                s1.0 = _mm256_fmadd_ps(w, load(a1, i), s1.0)
                s2.0 = _mm256_fmadd_ps(w, load(a2, i), s2.0)
                s3.0 = _mm256_fmadd_ps(w, load(a3, i), s3.0)
                i += 8
            }
            let sums = horizontalSums(_mm256_add_ps(s0.0, s0.1), _mm256_add_ps(s1.0, s1.1),
                                      _mm256_add_ps(s2.0, s2.1), _mm256_add_ps(s3.0, s3.1))
            let o = out + r * outStride
            o[0] = finishFMA(weights, a0, from: i, count: count, sums[0])
            o[outStride] = finishFMA(weights, a1, from: i, count: count, sums[1])
            o[2 * outStride] = finishFMA(weights, a2, from: i, count: count, sums[2])
            o[3 * outStride] = finishFMA(weights, a3, from: i, count: count, sums[3])
            r += 4
        }
        while r < rows {
            out[r * outStride] = dotFMA(weights, activations + r * activationStride, count: count)
            r += 1
        }
    }

    /// The vector part of one row's dot; returns where the scalar tail starts.
    ///
    /// Unlike the other kernels it asks for no lines ahead (``prefetchAhead(_:bytes:)``): a float
    /// row streams with so little work per line that the hardware prefetcher keeps up, and the
    /// hints cost LLaMA 3 1B F32 decoding about 15% (0.87x-1.01x llama.cpp with them over five
    /// runs, 1.00x-1.23x without over four).
    @inline(__always)
    private static func accumulateFMA(_ weights: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int,
                                      into sums: inout (__m256, __m256)) -> Int {
        var i = 0
        while i + 16 <= count {
            sums = (_mm256_fmadd_ps(load(weights, i), load(a, i), sums.0),
                    _mm256_fmadd_ps(load(weights, i + 8), load(a, i + 8), sums.1))
            i += 16
        }
        if i + 8 <= count {
            sums.0 = _mm256_fmadd_ps(load(weights, i), load(a, i), sums.0)
            i += 8
        }
        return i
    }

    /// `sum` (of the accumulators' lanes) plus elements `i..<count` one at a time.
    @inline(__always)
    private static func finishFMA(_ weights: UnsafeRawPointer, _ a: UnsafeRawPointer, from i: Int, count: Int,
                                  _ sum: Float) -> Float {
        var total = sum
        for j in i..<count { total += load1(weights, j) * a.loadUnaligned(fromByteOffset: j * 4, as: Float.self) }
        return total
    }

    @inline(__always)
    private static func load(_ p: UnsafeRawPointer, _ i: Int) -> __m256 {
        p.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
    }
}
#endif
