#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension Q4_0Format {
    /// `sum` + one block's terms: with `p` the eight `dpbusd` lanes of codes × activation bytes,
    /// each lane adds d × (d_a × p − s_a), and the eight lanes together make
    /// d·(d_a·Σ code·q − 8·s_a) = Σ (code − 8)·d·d_a·q, since s_a = d_a·Σ q. One multiply-subtract
    /// and one multiply-add per block.
    @inline(__always)
    static func accumulateBlock(_ sum: __m256, _ codes: __m256i, _ d: __m256, _ a: UnsafeRawPointer) -> __m256 {
        let scaled = _mm256_fmsub_ps(_mm256_cvtepi32_ps(dpbusd(codes, a, Q8x32.valuesOffset)), broadcastFloat(a, Q8x32.dOffset), broadcastFloat(a, Q8x32.sumOffset))
        return _mm256_fmadd_ps(scaled, d, sum)
    }

    /// The 32 codes of the block at `w` in element order: the 16 packed bytes broadcast to both
    /// 128-bit halves, the upper half shifted right by 4, both masked to nibbles.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer) -> __m256i {
        let packed = _mm256_broadcastsi128_si256(w.loadUnaligned(fromByteOffset: codesOffset, as: SIMD2<Int64>.self))
        return _mm256_and_si256(_mm256_srlv_epi64(packed, SIMD4<Int64>(0, 0, 4, 4)), _mm256_set1_epi8(0x0F))
    }

    /// The Q4_0 × Q8x32 dot with one `dpbusd` per block (see ``accumulateBlock(_:_:_:_:)``).
    /// Blocks alternate between two accumulators so that consecutive fused multiply-adds do not
    /// wait on each other.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps()
        var b = 0
        while b + 2 <= blocks {
            let w = weights + b * blockBytes, a = activation + b * Q8x32.blockBytes
            prefetchAhead(w, bytes: 2 * blockBytes)
            sum0 = accumulateBlock(sum0, codes(w), broadcastHalf(w, dOffset), a)
            sum1 = accumulateBlock(sum1, codes(w + blockBytes), broadcastHalf(w, blockBytes + dOffset), a + Q8x32.blockBytes)
            b += 2
        }
        if b < blocks {
            let w = weights + b * blockBytes
            sum0 = accumulateBlock(sum0, codes(w), broadcastHalf(w, dOffset), activation + b * Q8x32.blockBytes)
        }
        return horizontalSum(_mm256_add_ps(sum0, sum1))
    }

    /// ``dotX86(_:_:blocks:)`` for four activation rows at a time (`activationStride` bytes
    /// apart), each block's codes and scale unpacked once for all four; leftover rows take the
    /// single-row dot. Every row keeps the single-row dot's two accumulators and block order, so
    /// the results are the same bit for bit.
    static func dotRowsX86(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                           blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        var i = 0
        while i + 4 <= rows {
            let a0 = activations + i * activationStride, a1 = a0 + activationStride
            let a2 = a1 + activationStride, a3 = a2 + activationStride
            // Row k's even blocks go to e_k, its odd blocks to o_k.
            var e0 = _mm256_setzero_ps(), e1 = e0, e2 = e0, e3 = e0
            var o0 = e0, o1 = e0, o2 = e0, o3 = e0
            var b = 0
            while b + 2 <= blocks {
                let w = weights + b * blockBytes, x = b * Q8x32.blockBytes
                var c = codes(w), d = broadcastHalf(w, dOffset)
                e0 = accumulateBlock(e0, c, d, a0 + x)
                e1 = accumulateBlock(e1, c, d, a1 + x)
                e2 = accumulateBlock(e2, c, d, a2 + x)
                e3 = accumulateBlock(e3, c, d, a3 + x)
                c = codes(w + blockBytes)
                d = broadcastHalf(w, blockBytes + dOffset)
                o0 = accumulateBlock(o0, c, d, a0 + x + Q8x32.blockBytes)
                o1 = accumulateBlock(o1, c, d, a1 + x + Q8x32.blockBytes)
                o2 = accumulateBlock(o2, c, d, a2 + x + Q8x32.blockBytes)
                o3 = accumulateBlock(o3, c, d, a3 + x + Q8x32.blockBytes)
                b += 2
            }
            if b < blocks {
                let w = weights + b * blockBytes, x = b * Q8x32.blockBytes
                let c = codes(w), d = broadcastHalf(w, dOffset)
                e0 = accumulateBlock(e0, c, d, a0 + x)
                e1 = accumulateBlock(e1, c, d, a1 + x)
                e2 = accumulateBlock(e2, c, d, a2 + x)
                e3 = accumulateBlock(e3, c, d, a3 + x)
            }
            let o = out + i * outStride
            o[0] = horizontalSum(_mm256_add_ps(e0, o0))
            o[outStride] = horizontalSum(_mm256_add_ps(e1, o1))
            o[2 * outStride] = horizontalSum(_mm256_add_ps(e2, o2))
            o[3 * outStride] = horizontalSum(_mm256_add_ps(e3, o3))
            i += 4
        }
        while i < rows {
            out[i * outStride] = dotX86(weights, activations + i * activationStride, blocks: blocks)
            i += 1
        }
    }
}
#endif
