import GGUF

/// Q5_1: 32 weights in 24 bytes. Half scale `d`, half minimum `m`, the 32-bit word of fifth bits
/// and the 16 bytes of low bits laid out as in Q5_0. Weight = d × code + m.
enum Q5_1Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q5_1 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 24 }
    static let dOffset = 0
    static let mOffset = 2
    /// The 32-bit word of fifth bits.
    static let fifthBitsOffset = 4
    /// The 16 bytes of low bits.
    static let codesOffset = 8

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 32
            let d = half(block, dOffset)
            let m = half(block, mOffset)
            let fifth = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: fifthBitsOffset, as: UInt32.self))
            for j in 0..<16 {
                let byte = UInt32(block.load(fromByteOffset: codesOffset + j, as: UInt8.self))
                let c0 = (byte & 0x0F) | ((fifth >> j) & 1) << 4
                let c1 = (byte >> 4) | ((fifth >> (j + 16)) & 1) << 4
                out[j] = d * Float(c0) + m
                out[j + 16] = d * Float(c1) + m
            }
        }
    }

    /// Codes span the block's range [min, max] in 31 steps.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * blockBytes
            var low = x[0], high = x[0]
            for i in 1..<32 { low = min(low, x[i]); high = max(high, x[i]) }
            let d = (high - low) / 31
            let m = halfRounded(low)
            let id = inverse(halfRounded(d))
            var fifth: UInt32 = 0
            block.storeBytes(of: floatToHalf(d), toByteOffset: dOffset, as: UInt16.self)
            block.storeBytes(of: floatToHalf(low), toByteOffset: mOffset, as: UInt16.self)
            for j in 0..<16 {
                let c0 = UInt32(roundedCode((x[j] - m) * id, 0, 31))
                let c1 = UInt32(roundedCode((x[j + 16] - m) * id, 0, 31))
                fifth |= (c0 >> 4) << j | (c1 >> 4) << (j + 16)
                block.storeBytes(of: UInt8((c0 & 0x0F) | (c1 & 0x0F) << 4), toByteOffset: codesOffset + j, as: UInt8.self)
            }
            block.storeBytes(of: fifth.littleEndian, toByteOffset: fifthBitsOffset, as: UInt32.self)
        }
    }

    /// Σ (d·q + m)·a = d·Σ q·a + m·Σ a, with Σ a carried by the activation block.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX2
        dotX86(weights, activation, blocks: blocks)
        #else
        dotPortable(weights, activation, blocks: blocks)
        #endif
    }

    /// The portable SIMD dot (the native build's tests compare against it).
    static func dotPortable(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        fifthBitBytes.withUnsafeBufferPointer { fifthBitTable in
            let table = fifthBitTable.baseAddress!
            var sum = SIMD4<Float>()
            var offsets: Float = 0
            for b in 0..<blocks {
                let w = weights + b * blockBytes
                let a = activation + b * Q8x32.blockBytes
                let fifth = UInt32(littleEndian: w.loadUnaligned(fromByteOffset: fifthBitsOffset, as: UInt32.self))
                let packed = bytes16(w, codesOffset)
                let low = (packed & 0x0F) | fifthBits(UInt16(truncatingIfNeeded: fifth), table)
                let high = (packed &>> 4) | fifthBits(UInt16(truncatingIfNeeded: fifth >> 16), table)
                let products = dot4(unsigned: low, int8x16(a, Q8x32.valuesOffset)) &+ dot4(unsigned: high, int8x16(a, Q8x32.valuesOffset + 16))
                sum += toFloat(products) * (half(w, dOffset) * float(a, 0))
                offsets += half(w, mOffset) * float(a, Q8x32.sumOffset)
            }
            return sum.sum() + offsets
        }
    }
}
