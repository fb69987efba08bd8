#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The 32 five-bit codes of a Q5_0/Q5_1 block in element order: low nibbles of the 16 packed
/// bytes (weights 0–15), then high nibbles (16–31), each with its fifth bit from the 32-bit word:
/// byte i takes the word's byte i / 8, sets every bit but i % 8, and compares with all ones.
@inline(__always)
func fiveBitCodes(packed: UnsafeRawPointer, fifth: UInt32) -> __m256i {
    let broadcast = _mm256_broadcastsi128_si256(packed.loadUnaligned(as: SIMD2<Int64>.self))
    let low4 = _mm256_and_si256(_mm256_srlv_epi64(broadcast, SIMD4<Int64>(0, 0, 4, 4)), _mm256_set1_epi8(0x0F))
    let spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(Int32(bitPattern: fifth)),
        _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3))
    let isSet = _mm256_cmpeq_epi8(_mm256_or_si256(spread, _mm256_set1_epi64x(0x7FBF_DFEF_F7FB_FDFE)), _mm256_set1_epi8(-1))
    return _mm256_or_si256(low4, _mm256_and_si256(isSet, _mm256_set1_epi8(0x10)))
}

/// The Q5_0 and Q5_1 × Q8x32 dot. Codes are unsigned (0...31) and a weight is d·code + m, with m
/// the block's stored minimum (Q5_1: `withMinimum`, after d) or −16·d (Q5_0), so
/// Σ (d·code + m)·a = d·Σ code·a + m·Σ a, with Σ a carried by the activation block.
@inline(__always)
func fiveBitDot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int, withMinimum: Bool) -> Float {
    let blockBytes = withMinimum ? Q5_1Format.blockBytes : Q5_0Format.blockBytes
    let fifthOffset = withMinimum ? Q5_1Format.fifthBitsOffset : Q5_0Format.fifthBitsOffset
    let codesOffset = withMinimum ? Q5_1Format.codesOffset : Q5_0Format.codesOffset
    var sum = _mm256_setzero_ps()
    var offsets = _mm256_setzero_ps()
    for b in 0..<blocks {
        let w = weights + b * blockBytes
        let a = activation + b * Q8x32.blockBytes
        prefetchAhead(w, bytes: blockBytes)
        let fifth = UInt32(littleEndian: w.loadUnaligned(fromByteOffset: fifthOffset, as: UInt32.self))
        let codes = fiveBitCodes(packed: w + codesOffset, fifth: fifth)
        let d = broadcastHalf(w, Q5_0Format.dOffset)
        sum = accumulate(sum, dpbusd(codes, a, Q8x32.valuesOffset), d, activation: a)
        // Q5_0's −16·d is applied once, to the total.
        offsets = accumulateOffset(offsets, withMinimum ? broadcastHalf(w, Q5_1Format.mOffset) : d, activation: a)
    }
    return horizontalSum(sum) + (withMinimum ? 1 : -16) * _mm256_cvtss_f32(offsets)
}

extension Q5_0Format {
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        fiveBitDot(weights, activation, blocks: blocks, withMinimum: false)
    }
}

extension Q5_1Format {
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        fiveBitDot(weights, activation, blocks: blocks, withMinimum: true)
    }
}
#endif
