#if LLAMA_AVX2
import _Builtin_intrinsics.intel
import GGUF

/// Q3_K blocks with their 3-bit codes regrouped so that the native dot unpacks six of a block's
/// eight steps with one AND each: the same 110 bytes per block, the same values.
///
/// Let c_s be the code of weight 32·s + j stored unsigned (low two bits + 4 × high bit, 0...7,
/// the weight's code + 4). Byte j of the first 32 bytes holds c_0 | c_1 << 3 | (c_6 & 3) << 6; of
/// the next 32, c_2 | c_3 << 3 | (c_7 & 3) << 6; of the third, c_4 | c_5 << 3 | (c_6 >> 2) << 6 |
/// (c_7 >> 2) << 7. Bytes 96..<110, the scales and `d`, are the file's (``Q3_KFormat``).
///
/// Odd steps are masked where they lie (code × 8, at most 56) and steps 6 and 7 assembled at
/// four bits up (code × 16, at most 112, still within `dpbusd`'s unsigned bound); the other
/// steps' scales are multiplied to match (by 16 and 2), and the block's products are 16 times
/// the dot, taken back in its float scale. The file's layout took five or six operations a step.
enum Q3_KRepacked: RepackedFormat {
    typealias Activation = Q8xK
    static var type: GGMLType { .q3_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 110 }

    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        let two = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1)
        for b in 0..<blocks {
            let from = src + b * 110, to = dst + b * 110
            let high = load256(from, 0)
            func code(_ s: Int) -> __m256i {
                let low = shiftBytesRight(load256(from, 32 + (s / 4) * 32), Int32(2 * (s % 4)), mask: two)
                return _mm256_or_si256(low, _mm256_slli_epi16(shiftBytesRight(high, Int32(s), mask: one), 2))
            }
            func join(_ first: Int, _ second: Int) -> __m256i { _mm256_or_si256(code(first), _mm256_slli_epi16(code(second), 3)) }
            let c6 = code(6), c7 = code(7)
            let top = { (c: __m256i, shift: Int32) in _mm256_slli_epi16(_mm256_and_si256(c, two), shift) }
            let bit = { (c: __m256i, shift: Int32) in _mm256_slli_epi16(shiftBytesRight(c, 2, mask: one), shift) }
            to.storeBytes(of: _mm256_or_si256(join(0, 1), top(c6, 6)), as: __m256i.self)
            to.storeBytes(of: _mm256_or_si256(join(2, 3), top(c7, 6)), toByteOffset: 32, as: __m256i.self)
            to.storeBytes(of: _mm256_or_si256(join(4, 5), _mm256_or_si256(bit(c6, 6), bit(c7, 7))), toByteOffset: 64, as: __m256i.self)
            (to + 96).copyMemory(from: from + 96, byteCount: 14)
        }
    }

    /// The unsigned code (0...7) of weight 32·`s` + `j` of the block at `block`.
    @inline(__always)
    static func storedCode(_ block: UnsafeRawPointer, _ s: Int, _ j: Int) -> Int {
        let byte = { (k: Int) in Int(block.load(fromByteOffset: 32 * k + j, as: UInt8.self)) }
        switch s {
        case 6: return byte(0) >> 6 | (byte(2) >> 6 & 1) << 2
        case 7: return byte(1) >> 6 | (byte(2) >> 7) << 2
        default: return byte(s / 2) >> (3 * (s % 2)) & 7
        }
    }

    /// The file layout's operations and order (``Q3_KFormat/dequantize(_:_:blocks:)``), so the
    /// same floats.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * 110
            let out = dst + b * 256
            let d = half(block, 108)
            for e in 0..<256 {
                out[e] = d * Float(Q3_KFormat.scale(block, e / 16)) * Float(storedCode(block, e / 32, e % 32) - 4)
            }
        }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        let file = UnsafeMutableRawPointer.allocate(byteCount: 110, alignment: 32)
        defer { file.deallocate() }
        for b in 0..<blocks {
            Q3_KFormat.quantize(src + b * 256, file, blocks: 1)
            repack(file, dst + b * 110, blocks: 1)
        }
    }

    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        dotKernel(weights, activation, blocks: blocks)
    }

    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        dotRowsKernel(weights, activations, activationStride: activationStride, rows: rows, blocks: blocks, out, outStride: outStride)
    }
}

extension Q3_KRepacked: KQuantKernel {
    static var offsetFactor: Float { 4 }

    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> GroupHeader { Q3_KFormat.header(w) }

    @inline(__always)
    static func step(_ w: UnsafeRawPointer, _ header: GroupHeader, _ s: Int) -> (codes: __m256i, scales: __m256i) {
        let mask = { (bits: Int8) in _mm256_set1_epi8(bits) }
        switch s {
        case 6:
            let low = _mm256_and_si256(_mm256_srli_epi16(load256(w, 0), 2), mask(0x30))
            return (_mm256_or_si256(low, _mm256_and_si256(load256(w, 64), mask(0x40))), header.scales.lanes(s))
        case 7:
            let low = _mm256_and_si256(_mm256_srli_epi16(load256(w, 32), 2), mask(0x30))
            let high = _mm256_and_si256(_mm256_srli_epi16(load256(w, 64), 1), mask(0x40))
            return (_mm256_or_si256(low, high), header.scales.lanes(s))
        default:
            let packed = load256(w, 32 * (s / 2))
            return s % 2 == 0 ? (_mm256_and_si256(packed, mask(7)), header.scales.shifted(4).lanes(s))
                : (_mm256_and_si256(packed, mask(0x38)), header.scales.shifted(1).lanes(s))
        }
    }

    @inline(__always)
    static func groupWeights(_ w: UnsafeRawPointer, _ header: GroupHeader) -> __m256i { header.groupWeights }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 {
        _mm256_mul_ps(blockScale(w, 108, a), _mm256_set1_ps(1.0 / 16))
    }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 108, a) }
}
#endif
