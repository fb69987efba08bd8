#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The 32 five-bit codes of a Q5_0/Q5_1 block in element order: low nibbles of the 16 packed
/// bytes (weights 0–15), then high nibbles (16–31), each with its fifth bit from the 32-bit word.
@inline(__always)
func fiveBitCodes(packed: UnsafeRawPointer, fifth: UInt32, table: UnsafePointer<UInt64>) -> __m256i {
    let broadcast = _mm256_broadcastsi128_si256(packed.loadUnaligned(as: SIMD2<Int64>.self))
    let low4 = _mm256_and_si256(_mm256_srlv_epi64(broadcast, SIMD4<Int64>(0, 0, 4, 4)), _mm256_set1_epi8(0x0F))
    let bits = SIMD4<UInt64>(
        table[Int(fifth & 0xFF)], table[Int((fifth >> 8) & 0xFF)],
        table[Int((fifth >> 16) & 0xFF)], table[Int(fifth >> 24)])
    return _mm256_or_si256(low4, unsafeBitCast(bits, to: __m256i.self))
}

extension Q5_0Format {
    /// The Q5_0 × Q8x32 dot: unsigned codes (0...31), so Σ (code − 16)·a is Σ code·a − 16·Σ a.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        fifthBitBytes.withUnsafeBufferPointer { fifthBitTable in
            let table = fifthBitTable.baseAddress!
            var sum = _mm256_setzero_ps()
            var offsets = _mm256_setzero_ps()
            for b in 0..<blocks {
                let w = weights + b * 22
                let a = activation + b * 40
                let fifth = UInt32(littleEndian: w.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
                let codes = fiveBitCodes(packed: w + 6, fifth: fifth, table: table)
                let d = broadcastHalf(w, 0)
                sum = accumulate(sum, dpbusd(codes, a, 8), d, activation: a)
                offsets = accumulateOffset(offsets, d, activation: a)
            }
            return horizontalSum(sum) - 16 * _mm256_cvtss_f32(offsets)
        }
    }
}

extension Q5_1Format {
    /// The Q5_1 × Q8x32 dot: d·Σ code·a + m·Σ a.
    static func dotX86(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        fifthBitBytes.withUnsafeBufferPointer { fifthBitTable in
            let table = fifthBitTable.baseAddress!
            var sum = _mm256_setzero_ps()
            var offsets = _mm256_setzero_ps()
            for b in 0..<blocks {
                let w = weights + b * 24
                let a = activation + b * 40
                let fifth = UInt32(littleEndian: w.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                let codes = fiveBitCodes(packed: w + 8, fifth: fifth, table: table)
                sum = accumulate(sum, dpbusd(codes, a, 8), broadcastHalf(w, 0), activation: a)
                offsets = accumulateOffset(offsets, broadcastHalf(w, 2), activation: a)
            }
            return horizontalSum(sum) + _mm256_cvtss_f32(offsets)
        }
    }
}
#endif
