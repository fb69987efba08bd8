#if LLAMA_AVX2
import _Builtin_intrinsics.intel
import GGUF

/// Q2_K blocks with their codes in group order (``GroupOrderKQuant``): the same 84 bytes per
/// block, the same values. Byte j of the 32 bytes at 16 + 32·h holds, at bits 2·q, the code of
/// byte j of step 4·h + q in group order (``groupOrderPosition(_:)``); the scale and minimum
/// bytes (0..<16) and `d`, `dmin` (80..<84) are the file's (``Q2_KFormat``).
///
/// Steps 1 and 3 of each 32 bytes are masked where they lie (code × 4, the second accumulator),
/// 2 and 3 share one shift by four: five operations unpack four steps. The accumulators' sums
/// stay within Int16: four steps of pair sums of at most 2 × 12 × 128.
enum Q2_KRepacked: RepackedFormat {
    typealias Activation = Q8xKGrouped
    static var type: GGMLType { .q2_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { Q2_KFormat.blockBytes }

    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        repackInGroupOrder(src, dst, blocks: blocks, blockBytes: blockBytes, codes: Q2_KFormat.codes) { code, from, to in
            let f = Q2_KFormat.self
            storeTwoBitQuarters(code, to, at: f.codesOffset)
            (to + f.scalesOffset).copyMemory(from: from + f.scalesOffset, byteCount: f.codesOffset - f.scalesOffset)
            (to + f.dOffset).copyMemory(from: from + f.dOffset, byteCount: blockBytes - f.dOffset)
        }
    }

    /// The file layout's decoding with the codes in group order, so the same floats.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        Q2_KFormat.decode(src, dst, blocks: blocks) { block, e in
            let (s, j) = groupOrderPosition(e)
            return Q2_KFormat.code(block, step: s, byte: j)
        }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        quantize(through: Q2_KFormat.self, src, dst, blocks: blocks)
    }
}

extension Q2_KFormat {
    /// Step s's codes in the file's layout, which the repacking reads: bits 2·(s mod 4) of the 32
    /// bytes at ``codesOffset`` + 32·(s / 4), shifted down.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        shiftBytesRight(load256(w, codesOffset + (s / 4) * 32), Int32(2 * (s % 4)), mask: _mm256_set1_epi8(3))
    }
}

extension Q2_KRepacked: GroupOrderKQuant {
    static var offsetFactor: Float { 1 }

    /// The sixteen scales (low nibbles) and minimums (high nibbles) as Int16.
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> (scales: __m256i, minimums: __m256i) {
        let packed = w.loadUnaligned(fromByteOffset: Q2_KFormat.scalesOffset, as: SIMD2<Int64>.self), nibble = _mm_set1_epi8(0x0F)
        return (_mm256_cvtepu8_epi16(_mm_and_si128(packed, nibble)), _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), nibble)))
    }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ s: Int) -> (codes: __m256i, accumulator: Int) {
        let packed = load256(w, Q2_KFormat.codesOffset + 32 * (s / 4)), quarter = s % 4
        let source = quarter < 2 ? packed : _mm256_srli_epi16(packed, 4)
        let scaled = quarter % 2 == 1
        return (_mm256_and_si256(source, _mm256_set1_epi8(scaled ? 0x0C : 0x03)), scaled ? 1 : 0)
    }

    /// The second accumulator's pair sums are exactly 4 times the codes'.
    @inline(__always)
    static func products(_ sums: GroupSums, _ header: (scales: __m256i, minimums: __m256i)) -> __m256i {
        _mm256_madd_epi16(_mm256_add_epi16(sums.first, _mm256_srai_epi16(sums.second, 2)), header.scales)
    }

    @inline(__always)
    static func groupWeights(_ header: (scales: __m256i, minimums: __m256i)) -> __m256i { header.minimums }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, Q2_KFormat.dOffset, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, Q2_KFormat.dminOffset, a) }
}
#endif
