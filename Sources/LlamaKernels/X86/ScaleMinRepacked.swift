#if LLAMA_AVX2
import _Builtin_intrinsics.intel
import GGUF

/// Q4_K blocks with their codes in group order (``GroupOrderKQuant``): the same 144 bytes per
/// block, the same values. The 32 bytes at 16 + 32·i hold, in their low nibbles, the codes of
/// step 2·i in group order (``groupOrderPosition(_:)``) and in their high nibbles those of step
/// 2·i + 1; `d`, `dmin` and the packed scales and minimums (0..<16) are the file's
/// (``Q4_KFormat``).
///
/// All eight steps share the first accumulator: pair sums of at most 2 × 15 × 127, eight times,
/// stay within Int16.
enum Q4_KRepacked: RepackedFormat, ScaleMinGroupOrder {
    typealias Activation = Q8xKGrouped
    static var type: GGMLType { .q4_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { Q4_KFormat.blockBytes }

    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        repackScaleMinBlocks(src, dst, blocks: blocks, blockBytes: blockBytes, codesOffset: Q4_KFormat.codesOffset, fifthBits: false) { Q4_KFormat.codes($0, $1) }
    }

    /// The file layout's decoding with the codes in group order, so the same floats.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        Q4_KFormat.decode(src, dst, blocks: blocks) { block, e in
            let (s, j) = groupOrderPosition(e)
            return Q4_KFormat.code(block, step: s, byte: j)
        }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        quantize(through: Q4_KFormat.self, src, dst, blocks: blocks)
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ s: Int) -> (codes: __m256i, accumulator: Int) {
        (nibbles(load256(w, Q4_KFormat.codesOffset + (s / 2) * 32), high: s % 2 == 1), 0)
    }

    @inline(__always)
    static func products(_ sums: GroupSums, _ header: ScaleMinGroups) -> __m256i {
        _mm256_madd_epi16(sums.first, header.scales)
    }
}

/// Q5_K blocks with their codes in group order (``GroupOrderKQuant``): the same 176 bytes per
/// block, the same values. Bit s of byte j of the 32 bytes at 16 is the fifth bit of byte j of
/// step s in group order (``groupOrderPosition(_:)``); the 128 bytes at 48 hold the low four bits
/// as ``Q4_KRepacked``'s codes; `d`, `dmin` and the packed scales and minimums (0..<16) are the
/// file's (``Q5_KFormat``).
///
/// Steps 0–3 and 4–7 take one accumulator each: four pair sums of at most 2 × 31 × 127 stay within
/// Int16, eight would not.
enum Q5_KRepacked: RepackedFormat, ScaleMinGroupOrder {
    typealias Activation = Q8xKGrouped
    static var type: GGMLType { .q5_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { Q5_KFormat.blockBytes }

    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        repackScaleMinBlocks(src, dst, blocks: blocks, blockBytes: blockBytes, codesOffset: Q5_KFormat.codesOffset, fifthBits: true) { Q5_KFormat.codes($0, $1) }
    }

    /// The file layout's decoding with the codes in group order, so the same floats.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        Q5_KFormat.decode(src, dst, blocks: blocks) { block, e in
            let (s, j) = groupOrderPosition(e)
            return Q5_KFormat.code(block, step: s, byte: j)
        }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        quantize(through: Q5_KFormat.self, src, dst, blocks: blocks)
    }

    /// The fifth bit (bit s of the bytes at 16) moved to bit 4 with one shift and one mask: a
    /// 16-bit shift moves bits across bytes, but none that the mask keeps.
    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ s: Int) -> (codes: __m256i, accumulator: Int) {
        let high = load256(w, Q5_KFormat.fifthBitsOffset)
        let moved = s < 4 ? _mm256_slli_epi16(high, Int32(4 - s)) : s == 4 ? high : _mm256_srli_epi16(high, Int32(s - 4))
        let fifth = _mm256_and_si256(moved, _mm256_set1_epi8(0x10))
        return (_mm256_or_si256(nibbles(load256(w, Q5_KFormat.codesOffset + (s / 2) * 32), high: s % 2 == 1), fifth), s / 4)
    }

    @inline(__always)
    static func products(_ sums: GroupSums, _ header: ScaleMinGroups) -> __m256i {
        _mm256_add_epi32(_mm256_madd_epi16(sums.first, header.scales), _mm256_madd_epi16(sums.second, header.scales))
    }
}

extension Q4_KFormat {
    /// Sub-block s's codes in the file's layout, which the repacking reads: the low (even s) or
    /// high nibbles of the 32 bytes at ``codesOffset`` + 32·(s / 2).
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        nibbles(load256(w, codesOffset + (s / 2) * 32), high: s % 2 == 1)
    }
}

extension Q5_KFormat {
    /// Sub-block s's codes in the file's layout, which the repacking reads: four bits from the
    /// nibbles at ``codesOffset`` + 32·(s / 2), the fifth from bit s of the 32 bytes at
    /// ``fifthBitsOffset``.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        let fifth = _mm256_slli_epi16(shiftBytesRight(load256(w, fifthBitsOffset), Int32(s), mask: _mm256_set1_epi8(1)), 4)
        return _mm256_or_si256(nibbles(load256(w, codesOffset + (s / 2) * 32), high: s % 2 == 1), fifth)
    }
}

/// The low or high nibbles of `packed`, one per byte.
@inline(__always)
func nibbles(_ packed: __m256i, high: Bool) -> __m256i {
    let nibble = _mm256_set1_epi8(0x0F)
    return high ? shiftBytesRight(packed, 4, mask: nibble) : _mm256_and_si256(packed, nibble)
}

/// The scales and minimums of a Q4_K/Q5_K block, each repeated for the two 16-weight groups of
/// its 32-weight sub-block, as sixteen Int16 lanes.
struct ScaleMinGroups {
    let scales: __m256i
    let minimums: __m256i
}

/// The repacked K-quants whose blocks start with a half-precision scale, a half-precision minimum
/// scale and twelve bytes of six-bit sub-block scales and minimums (Q4_K, Q5_K).
protocol ScaleMinGroupOrder: GroupOrderKQuant where Header == ScaleMinGroups {}

extension ScaleMinGroupOrder {
    static var offsetFactor: Float { 1 }

    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> ScaleMinGroups {
        let (scales, minimums) = unpackScaleMins(w + ScaleMinHead.scalesOffset)
        return ScaleMinGroups(scales: repeatedForGroups(scales), minimums: repeatedForGroups(minimums))
    }

    @inline(__always)
    static func groupWeights(_ header: ScaleMinGroups) -> __m256i { header.minimums }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, ScaleMinHead.dOffset, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, ScaleMinHead.dminOffset, a) }
}

/// Repacks Q4_K or Q5_K blocks: the first 16 bytes as they are; the codes `codes` reads from a
/// file block per step, in group order, their low four bits as nibble pairs at `codesOffset`
/// and, with `fifthBits`, their fifth bits at 16 (bit s of byte j for step s).
@inline(__always)
private func repackScaleMinBlocks(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int, blockBytes: Int,
                                  codesOffset: Int, fifthBits: Bool, _ codes: (UnsafeRawPointer, Int) -> __m256i) {
    let one = _mm256_set1_epi8(1)
    repackInGroupOrder(src, dst, blocks: blocks, blockBytes: blockBytes, codes: codes) { code, from, to in
        storeNibblePairs(code, to, at: codesOffset)
        if fifthBits {
            var fifth = _mm256_setzero_si256()
            for s in 0..<8 { fifth = _mm256_or_si256(fifth, _mm256_slli_epi16(shiftBytesRight(code(s), 4, mask: one), Int32(s))) }
            to.storeBytes(of: fifth, toByteOffset: Q5_KFormat.fifthBitsOffset, as: __m256i.self)
        }
        to.copyMemory(from: from, byteCount: ScaleMinHead.byteCount)
    }
}
#endif
