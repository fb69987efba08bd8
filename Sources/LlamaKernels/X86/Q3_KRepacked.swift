#if LLAMA_AVX2
import _Builtin_intrinsics.intel
import GGUF

/// Q3_K blocks with their 3-bit codes in group order (``GroupOrderKQuant``) and regrouped so
/// that most steps unpack with one AND: the same 110 bytes per block, the same values.
///
/// Let c_s be the code stored unsigned (low two bits + 4 × high bit, 0...7, the weight's code
/// + 4) of byte j of step s in group order (``groupOrderPosition(_:)``). Byte j of the first 32
/// bytes holds c_0 | c_1 << 3 | (c_6 & 3) << 6; of the next 32, c_2 | c_3 << 3 | (c_7 & 3) << 6;
/// of the third, c_4 | c_5 << 3 | (c_6 >> 2) << 6 | (c_7 >> 2) << 7. The scales and `d` are the
/// file's (``Q3_KFormat``).
///
/// Steps 0, 2 and 4 unpack with one AND, 1 and 3 too, masked where they lie (code × 8, the
/// second accumulator: two steps of pair sums of at most 2 × 56 × 128 stay within Int16), 5 with
/// a shift more, 6 and 7 from two places; the first accumulator's six steps reach at most
/// 6 × 2 × 7 × 128.
enum Q3_KRepacked: RepackedFormat {
    typealias Activation = Q8xKGrouped
    static var type: GGMLType { .q3_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { Q3_KFormat.blockBytes }

    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        let two = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1)
        repackInGroupOrder(src, dst, blocks: blocks, blockBytes: blockBytes, codes: Q3_KFormat.codes) { code, from, to in
            func join(_ first: Int, _ second: Int) -> __m256i { _mm256_or_si256(code(first), _mm256_slli_epi16(code(second), 3)) }
            func top(_ s: Int) -> __m256i { _mm256_slli_epi16(_mm256_and_si256(code(s), two), 6) }
            func bit(_ s: Int, _ shift: Int32) -> __m256i { _mm256_slli_epi16(shiftBytesRight(code(s), 2, mask: one), shift) }
            to.storeBytes(of: _mm256_or_si256(join(0, 1), top(6)), as: __m256i.self)
            to.storeBytes(of: _mm256_or_si256(join(2, 3), top(7)), toByteOffset: 32, as: __m256i.self)
            to.storeBytes(of: _mm256_or_si256(join(4, 5), _mm256_or_si256(bit(6, 6), bit(7, 7))), toByteOffset: 64, as: __m256i.self)
            let scales = Q3_KFormat.scalesOffset
            (to + scales).copyMemory(from: from + scales, byteCount: blockBytes - scales)
        }
    }

    /// The unsigned code (0...7) of byte `j` of step `s` of the block at `block`.
    @inline(__always)
    static func storedCode(_ block: UnsafeRawPointer, _ s: Int, _ j: Int) -> Int {
        let byte = { (k: Int) in Int(block.load(fromByteOffset: 32 * k + j, as: UInt8.self)) }
        switch s {
        case 6: return byte(0) >> 6 | (byte(2) >> 6 & 1) << 2
        case 7: return byte(1) >> 6 | (byte(2) >> 7) << 2
        default: return byte(s / 2) >> (3 * (s % 2)) & 7
        }
    }

    /// The file layout's decoding with this layout's codes, so the same floats.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        Q3_KFormat.decode(src, dst, blocks: blocks) { block, e in
            let (s, j) = groupOrderPosition(e)
            return storedCode(block, s, j)
        }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        quantize(through: Q3_KFormat.self, src, dst, blocks: blocks)
    }
}

extension Q3_KFormat {
    /// The sixteen signed 6-bit scales of the block at `w`, as bytes.
    ///
    /// They are stored biased by 32, low four bits and top two apart; they are gathered into two
    /// words (scales 0–7, 8–15) with whole-word operations: per scale, LLVM turned the work into
    /// byte shuffles that cost more than the rest of the block.
    @inline(__always)
    static func scaleBytes(_ w: UnsafeRawPointer) -> __m128i {
        let lowBits = w.loadUnaligned(fromByteOffset: scalesOffset, as: UInt64.self)
        let highBits32 = UInt64(w.loadUnaligned(fromByteOffset: scalesOffset + 8, as: UInt32.self))
        let top = { (shift: UInt64) in (highBits32 >> shift) & 0x0303_0303 }
        let biased = (
            (lowBits & 0x0F0F_0F0F_0F0F_0F0F) | (top(0) | top(2) << 32) << 4,
            ((lowBits >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | (top(4) | top(6) << 32) << 4)
        return _mm_sub_epi8(unsafeBitCast(SIMD2<UInt64>(biased.0, biased.1), to: __m128i.self), _mm_set1_epi8(32))
    }

    /// Step s's stored codes (0...7) in the file's layout, which the repacking reads: two low bits
    /// from the 32 bytes at ``lowBitsOffset`` + 32·(s / 4) (bits 2·(s mod 4)), the third from bit s
    /// of the 32 high-bit bytes.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ s: Int) -> __m256i {
        let low = shiftBytesRight(load256(w, lowBitsOffset + (s / 4) * 32), Int32(2 * (s % 4)), mask: _mm256_set1_epi8(3))
        let high = _mm256_slli_epi16(shiftBytesRight(load256(w, highBitsOffset), Int32(s), mask: _mm256_set1_epi8(1)), 2)
        return _mm256_or_si256(low, high)
    }
}

extension Q3_KRepacked: GroupOrderKQuant {
    static var offsetFactor: Float { 4 }

    /// The sixteen signed scales as Int16, which also weight the group sums.
    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> __m256i { _mm256_cvtepi8_epi16(Q3_KFormat.scaleBytes(w)) }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ s: Int) -> (codes: __m256i, accumulator: Int) {
        let mask = { (bits: Int8) in _mm256_set1_epi8(bits) }
        let bits = { (k: Int, shift: Int32, m: Int8) in _mm256_and_si256(_mm256_srli_epi16(load256(w, 32 * k), shift), mask(m)) }
        switch s {
        case 5: return (bits(2, 3, 7), 0)
        case 6: return (_mm256_or_si256(bits(0, 6, 3), bits(2, 4, 4)), 0)
        case 7: return (_mm256_or_si256(bits(1, 6, 3), bits(2, 5, 4)), 0)
        default: return (_mm256_and_si256(load256(w, 32 * (s / 2)), mask(s % 2 == 0 ? 7 : 0x38)), s % 2)
        }
    }

    /// The second accumulator's pair sums are exactly 8 times the codes'.
    @inline(__always)
    static func products(_ sums: GroupSums, _ header: __m256i) -> __m256i {
        _mm256_madd_epi16(_mm256_add_epi16(sums.first, _mm256_srai_epi16(sums.second, 3)), header)
    }

    @inline(__always)
    static func groupWeights(_ header: __m256i) -> __m256i { header }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, Q3_KFormat.dOffset, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, Q3_KFormat.dOffset, a) }
}

#endif
