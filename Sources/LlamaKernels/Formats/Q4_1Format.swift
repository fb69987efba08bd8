import GGUF

/// Q4_1: 32 weights in 20 bytes. Half scale `d`, half minimum `m`, then 16 bytes of 4-bit codes
/// packed as in Q4_0 (byte j: weight j low nibble, weight j + 16 high). Weight = d × code + m.
enum Q4_1Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q4_1 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 20 }
    static let dOffset = 0
    static let mOffset = 2
    /// The 16 bytes of packed codes.
    static let codesOffset = 4

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 32
            let d = half(block, dOffset)
            let m = half(block, mOffset)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: codesOffset + j, as: UInt8.self)
                out[j] = d * Float(byte & 0x0F) + m
                out[j + 16] = d * Float(byte >> 4) + m
            }
        }
    }

    /// Codes span the block's range [min, max] in 15 steps.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * blockBytes
            var low = x[0], high = x[0]
            for i in 1..<32 { low = min(low, x[i]); high = max(high, x[i]) }
            let d = (high - low) / 15
            let m = halfRounded(low)
            let id = inverse(halfRounded(d))
            block.storeBytes(of: floatToHalf(d), toByteOffset: dOffset, as: UInt16.self)
            block.storeBytes(of: floatToHalf(low), toByteOffset: mOffset, as: UInt16.self)
            for j in 0..<16 {
                let c0 = roundedCode((x[j] - m) * id, 0, 15)
                let c1 = roundedCode((x[j + 16] - m) * id, 0, 15)
                block.storeBytes(of: UInt8(c0 | c1 << 4), toByteOffset: codesOffset + j, as: UInt8.self)
            }
        }
    }

    /// Σ (d·q + m)·a = d·Σ q·a + m·Σ a, and the activation block carries Σ a as `s`.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX2
        dotX86(weights, activation, blocks: blocks)
        #else
        dotPortable(weights, activation, blocks: blocks)
        #endif
    }

    /// The portable SIMD dot (the native build's tests compare against it).
    static func dotPortable(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        var offsets: Float = 0
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8x32.blockBytes
            let packed = bytes16(w, codesOffset)
            let products = dot4(unsigned: packed & 0x0F, int8x16(a, Q8x32.valuesOffset)) &+ dot4(unsigned: packed &>> 4, int8x16(a, Q8x32.valuesOffset + 16))
            sum += toFloat(products) * (half(w, dOffset) * float(a, 0))
            offsets += half(w, mOffset) * float(a, Q8x32.sumOffset)
        }
        return sum.sum() + offsets
    }
}
