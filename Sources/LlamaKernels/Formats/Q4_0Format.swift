import GGUF

/// Q4_0: 32 weights in 18 bytes. A half scale `d`, then 16 bytes of 4-bit codes: byte j holds
/// weight j in its low nibble and weight j + 16 in its high nibble. Weight = d × (code − 8).
enum Q4_0Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q4_0 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 18 }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * 18
            let out = dst + b * 32
            let d = half(block, 0)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: 2 + j, as: UInt8.self)
                out[j] = d * Float(Int(byte & 0x0F) - 8)
                out[j + 16] = d * Float(Int(byte >> 4) - 8)
            }
        }
    }

    /// The value of largest magnitude maps to code 0 (−8 × d), so the 16 codes span the block.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * 18
            let d = signedMaxMagnitude(x, 32) / -8
            let id = inverse(halfRounded(d))
            block.storeBytes(of: floatToHalf(d), as: UInt16.self)
            for j in 0..<16 {
                let low = truncatedCode(x[j] * id + 8.5, limit: 15)
                let high = truncatedCode(x[j + 16] * id + 8.5, limit: 15)
                block.storeBytes(of: UInt8(low | high << 4), toByteOffset: 2 + j, as: UInt8.self)
            }
        }
    }

    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX512_VNNI
        dotVNNI(weights, activation, blocks: blocks)
        #else
        dotPortable(weights, activation, blocks: blocks)
        #endif
    }

    /// The portable SIMD dot (the VNNI build's tests compare against it).
    static func dotPortable(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        for b in 0..<blocks {
            let w = weights + b * 18
            let a = activation + b * 40
            let packed = bytes16(w, 2)
            let low = signed(packed & 0x0F) &- 8
            let high = signed(packed &>> 4) &- 8
            let products = dot4(low, int8x16(a, 8)) &+ dot4(high, int8x16(a, 24))
            sum += toFloat(products) * (half(w, 0) * float(a, 0))
        }
        return sum.sum()
    }
}
