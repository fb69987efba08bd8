import GGUF

/// Q8_0: 32 weights in 34 bytes. A half scale `d`, then 32 signed bytes. Weight = d × q.
enum Q8_0Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q8_0 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 34 }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * 34
            let out = dst + b * 32
            let d = half(block, 0)
            for j in 0..<32 { out[j] = Float(block.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
        }
    }

    /// The largest magnitude maps to ±127; values round half away from zero.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * 34
            let d = signedMaxMagnitude(x, 32).magnitude / 127
            let id = inverse(d)
            block.storeBytes(of: floatToHalf(d), as: UInt16.self)
            for j in 0..<32 { block.storeBytes(of: roundToInt8(x[j] * id), toByteOffset: 2 + j, as: Int8.self) }
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
            let w = weights + b * 34
            let a = activation + b * 40
            let products = dot4(int8x16(w, 2), int8x16(a, 8)) &+ dot4(int8x16(w, 18), int8x16(a, 24))
            sum += toFloat(products) * (half(w, 0) * float(a, 0))
        }
        return sum.sum()
    }
}
