#if LLAMA_AVX2
import _Builtin_intrinsics.intel
import GGUF

/// Q6_K blocks with their codes in group order (``GroupOrderKQuant``): the same 210 bytes per
/// block, the same values. The 32 bytes at 32·i hold, in their low nibbles, the low four bits of
/// the codes of step 2·i in group order (``groupOrderPosition(_:)``), in their high nibbles those
/// of step 2·i + 1; byte j of the 32 bytes at 128 + 32·h holds, at bits 2·q and 2·q + 1, the top
/// two bits of byte j of step 4·h + q. The scales (192..<208) and `d` (208) are the file's
/// (``Q6_KFormat``).
///
/// Steps 2·k and 2·k + 1 share accumulator k: two pair sums of at most 2 × 63 × 127 stay within
/// Int16, three would not.
enum Q6_KRepacked: RepackedFormat {
    typealias Activation = Q8xKGrouped
    static var type: GGMLType { .q6_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { Q6_KFormat.blockBytes }

    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        let two = _mm256_set1_epi8(3)
        repackInGroupOrder(src, dst, blocks: blocks, blockBytes: blockBytes, codes: Q6_KFormat.codes) { code, from, to in
            let f = Q6_KFormat.self
            storeNibblePairs(code, to, at: f.lowBitsOffset)
            storeTwoBitQuarters({ shiftBytesRight(code($0), 4, mask: two) }, to, at: f.highBitsOffset)
            (to + f.scalesOffset).copyMemory(from: from + f.scalesOffset, byteCount: blockBytes - f.scalesOffset)
        }
    }

    /// The file layout's decoding with this layout's codes, so the same floats.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        Q6_KFormat.decode(src, dst, blocks: blocks) { block, e in
            let (s, j) = groupOrderPosition(e)
            let low = (block.load(fromByteOffset: Q6_KFormat.lowBitsOffset + 32 * (s / 2) + j, as: UInt8.self) >> UInt8(4 * (s % 2))) & 0x0F
            let high = (block.load(fromByteOffset: Q6_KFormat.highBitsOffset + 32 * (s / 4) + j, as: UInt8.self) >> UInt8(2 * (s % 4))) & 3
            return Int(low | high << 4)
        }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        quantize(through: Q6_KFormat.self, src, dst, blocks: blocks)
    }
}

extension Q6_KFormat {
    /// Step s's stored codes (0...63) in the file's layout, which the repacking reads: steps
    /// 4h..<4h+4 take their low four bits from the 64 bytes at ``lowBitsOffset`` + 64h (low
    /// nibbles, then high nibbles) and their top two from the 32 bytes at ``highBitsOffset`` + 32h
    /// (bits 2·(s mod 4) and up).
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        let h = s / 4, quarter = s % 4
        let low = nibbles(load256(w, lowBitsOffset + h * 64 + (quarter % 2) * 32), high: quarter >= 2)
        return _mm256_or_si256(low, topBits(load256(w, highBitsOffset + h * 32), quarter))
    }
}

extension Q6_KRepacked: GroupOrderKQuant {
    static var offsetFactor: Float { 32 }

    /// The sixteen signed scales as Int16, which also weight the group sums.
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> __m256i {
        _mm256_cvtepi8_epi16(w.loadUnaligned(fromByteOffset: Q6_KFormat.scalesOffset, as: SIMD2<Int64>.self))
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ s: Int) -> (codes: __m256i, accumulator: Int) {
        let low = nibbles(load256(w, Q6_KFormat.lowBitsOffset + 32 * (s / 2)), high: s % 2 == 1)
        return (_mm256_or_si256(low, topBits(load256(w, Q6_KFormat.highBitsOffset + 32 * (s / 4)), s % 4)), s / 2)
    }

    @inline(__always)
    static func products(_ sums: GroupSums, _ header: __m256i) -> __m256i {
        let halves = (_mm256_add_epi32(_mm256_madd_epi16(sums.first, header), _mm256_madd_epi16(sums.second, header)),
                      _mm256_add_epi32(_mm256_madd_epi16(sums.third, header), _mm256_madd_epi16(sums.fourth, header)))
        return _mm256_add_epi32(halves.0, halves.1)
    }

    @inline(__always)
    static func groupWeights(_ header: __m256i) -> __m256i { header }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, Q6_KFormat.dOffset, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, Q6_KFormat.dOffset, a) }
}

extension Q6_KRepacked {
    /// The dots of one weight row with `rows` activation rows, four at a time sharing each step's
    /// codes. Each accumulator's two pair sums are folded into the row's Int32 products as soon as
    /// they are complete, so four rows keep one integer register each rather than four (which
    /// spilled); integer sums in another order are the same sums, so each result equals
    /// ``dot(_:_:blocks:)``'s bit for bit.
    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        var i = 0
        while i + 4 <= rows {
            let a0 = activations + i &* activationStride, a1 = a0 + activationStride
            let a2 = a1 + activationStride, a3 = a2 + activationStride
            var s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0
            var o0 = s0, o1 = s0, o2 = s0, o3 = s0
            for b in 0..<blocks {
                let w = weights + b &* blockBytes, x = b &* Q8xKGrouped.blockBytes
                prefetchAhead(w, bytes: blockBytes)
                let header = header(w)
                var p0 = _mm256_setzero_si256(), p1 = p0, p2 = p0, p3 = p0
                for k in 0..<4 {
                    let first = step(w, 2 &* k).codes, second = step(w, 2 &* k &+ 1).codes
                    let offset = x &+ Q8xK.valuesOffset &+ 64 &* k
                    @inline(__always)
                    func fold(_ p: __m256i, _ a: UnsafeRawPointer) -> __m256i {
                        let pairs = _mm256_add_epi16(_mm256_maddubs_epi16(first, load256(a, offset)),
                                                     _mm256_maddubs_epi16(second, load256(a, offset &+ 32)))
                        return _mm256_add_epi32(p, _mm256_madd_epi16(pairs, header))
                    }
                    p0 = fold(p0, a0)
                    p1 = fold(p1, a1)
                    p2 = fold(p2, a2)
                    p3 = fold(p3, a3)
                }
                finishBlock(&s0, &o0, p0, w, header, a0 + x)
                finishBlock(&s1, &o1, p1, w, header, a1 + x)
                finishBlock(&s2, &o2, p2, w, header, a2 + x)
                finishBlock(&s3, &o3, p3, w, header, a3 + x)
            }
            let o = out + i &* outStride
            o[0] = finishRow(s0, o0)
            o[outStride] = finishRow(s1, o1)
            o[2 &* outStride] = finishRow(s2, o2)
            o[3 &* outStride] = finishRow(s3, o3)
            i += 4
        }
        while i < rows {
            out[i &* outStride] = dot(weights, activations + i &* activationStride, blocks: blocks)
            i += 1
        }
    }
}

/// Bits 2·`quarter` and 2·`quarter` + 1 of each byte of `packed` moved to bits 4 and 5, the rest
/// cleared: a Q6_K code's top two bits in place (a 16-bit shift moves bits across bytes, but none
/// that the mask keeps).
@inline(__always)
func topBits(_ packed: __m256i, _ quarter: Int) -> __m256i {
    let shifted = quarter < 2 ? _mm256_slli_epi16(packed, Int32(4 - 2 * quarter))
        : quarter == 2 ? packed : _mm256_srli_epi16(packed, 2)
    return _mm256_and_si256(shifted, _mm256_set1_epi8(0x30))
}
#endif
