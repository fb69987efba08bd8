import GGUF

/// Q5_0: 32 weights in 22 bytes. Half scale `d`; a little-endian 32-bit word whose bit i is the
/// fifth bit of weight i's code; 16 bytes of low 4 bits packed as in Q4_0 (byte j: weight j low
/// nibble, weight j + 16 high). Weight = d × (code − 16).
enum Q5_0Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q5_0 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 22 }
    static let dOffset = 0
    /// The 32-bit word of fifth bits.
    static let fifthBitsOffset = 2
    /// The 16 bytes of low bits.
    static let codesOffset = 6

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 32
            let d = half(block, dOffset)
            let fifth = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: fifthBitsOffset, as: UInt32.self))
            for j in 0..<16 {
                let byte = UInt32(block.load(fromByteOffset: codesOffset + j, as: UInt8.self))
                let c0 = (byte & 0x0F) | ((fifth >> j) & 1) << 4
                let c1 = (byte >> 4) | ((fifth >> (j + 16)) & 1) << 4
                out[j] = d * Float(Int(c0) - 16)
                out[j + 16] = d * Float(Int(c1) - 16)
            }
        }
    }

    /// The value of largest magnitude maps to code 0 (−16 × d).
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * blockBytes
            let d = signedMaxMagnitude(x, 32) / -16
            let id = inverse(halfRounded(d))
            var fifth: UInt32 = 0
            block.storeBytes(of: floatToHalf(d), toByteOffset: dOffset, as: UInt16.self)
            for j in 0..<16 {
                let c0 = UInt32(truncatedCode(x[j] * id + 16.5, limit: 31))
                let c1 = UInt32(truncatedCode(x[j + 16] * id + 16.5, limit: 31))
                fifth |= (c0 >> 4) << j | (c1 >> 4) << (j + 16)
                block.storeBytes(of: UInt8((c0 & 0x0F) | (c1 & 0x0F) << 4), toByteOffset: codesOffset + j, as: UInt8.self)
            }
            block.storeBytes(of: fifth.littleEndian, toByteOffset: fifthBitsOffset, as: UInt32.self)
        }
    }

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
            for b in 0..<blocks {
                let w = weights + b * blockBytes
                let a = activation + b * Q8x32.blockBytes
                let fifth = UInt32(littleEndian: w.loadUnaligned(fromByteOffset: fifthBitsOffset, as: UInt32.self))
                let packed = bytes16(w, codesOffset)
                let low = signed((packed & 0x0F) | fifthBits(UInt16(truncatingIfNeeded: fifth), table)) &- 16
                let high = signed((packed &>> 4) | fifthBits(UInt16(truncatingIfNeeded: fifth >> 16), table)) &- 16
                let products = dot4(low, int8x16(a, Q8x32.valuesOffset)) &+ dot4(high, int8x16(a, Q8x32.valuesOffset + 16))
                sum += toFloat(products) * (half(w, dOffset) * float(a, 0))
            }
            return sum.sum()
        }
    }
}
