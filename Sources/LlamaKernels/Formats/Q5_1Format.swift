import GGUF

/// Q5_1: 32 weights in 24 bytes. Half scale `d`, half minimum `m`, the 32-bit word of fifth bits
/// and the 16 bytes of low bits laid out as in Q5_0. Weight = d × code + m.
enum Q5_1Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q5_1 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 24 }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * 24
            let out = dst + b * 32
            let d = half(block, 0)
            let m = half(block, 2)
            let fifth = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            for j in 0..<16 {
                let byte = UInt32(block.load(fromByteOffset: 8 + j, as: UInt8.self))
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
            let block = dst + b * 24
            var low = x[0], high = x[0]
            for i in 1..<32 { low = min(low, x[i]); high = max(high, x[i]) }
            let d = (high - low) / 31
            let m = halfRounded(low)
            let id = inverse(halfRounded(d))
            var fifth: UInt32 = 0
            block.storeBytes(of: floatToHalf(d), as: UInt16.self)
            block.storeBytes(of: floatToHalf(low), toByteOffset: 2, as: UInt16.self)
            for j in 0..<16 {
                let c0 = UInt32(roundedCode((x[j] - m) * id, 0, 31))
                let c1 = UInt32(roundedCode((x[j + 16] - m) * id, 0, 31))
                fifth |= (c0 >> 4) << j | (c1 >> 4) << (j + 16)
                block.storeBytes(of: UInt8((c0 & 0x0F) | (c1 & 0x0F) << 4), toByteOffset: 8 + j, as: UInt8.self)
            }
            block.storeBytes(of: fifth.littleEndian, toByteOffset: 4, as: UInt32.self)
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
                let w = weights + b * 24
                let a = activation + b * 40
                let fifth = UInt32(littleEndian: w.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                let packed = bytes16(w, 8)
                let low = (packed & 0x0F) | fifthBits(UInt16(truncatingIfNeeded: fifth), table)
                let high = (packed &>> 4) | fifthBits(UInt16(truncatingIfNeeded: fifth >> 16), table)
                let products = dot4(unsigned: low, int8x16(a, 8)) &+ dot4(unsigned: high, int8x16(a, 24))
                sum += toFloat(products) * (half(w, 0) * float(a, 0))
                offsets += half(w, 2) * float(a, 4)
            }
            return sum.sum() + offsets
        }
    }
}
