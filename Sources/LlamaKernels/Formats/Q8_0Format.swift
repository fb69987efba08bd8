import GGUF

/// Q8_0: 32 weights in 34 bytes. A half scale `d`, then 32 signed bytes. Weight = d × q.
enum Q8_0Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q8_0 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 34 }
    static let dOffset = 0
    /// The 32 signed bytes.
    static let valuesOffset = 2

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 32
            let d = half(block, dOffset)
            for j in 0..<32 { out[j] = Float(block.load(fromByteOffset: valuesOffset + j, as: Int8.self)) * d }
        }
    }

    /// The largest magnitude maps to ±127; values round half away from zero.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * blockBytes
            let d = signedMaxMagnitude(x, 32).magnitude / 127
            let id = inverse(d)
            block.storeBytes(of: floatToHalf(d), toByteOffset: dOffset, as: UInt16.self)
            for j in 0..<32 { block.storeBytes(of: roundToInt8(x[j] * id), toByteOffset: valuesOffset + j, as: Int8.self) }
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
        var sum = SIMD4<Float>()
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8x32.blockBytes
            let products = dot4(int8x16(w, valuesOffset), int8x16(a, Q8x32.valuesOffset)) &+ dot4(int8x16(w, valuesOffset + 16), int8x16(a, Q8x32.valuesOffset + 16))
            sum += toFloat(products) * (half(w, dOffset) * float(a, 0))
        }
        return sum.sum()
    }
}
