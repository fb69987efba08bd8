import GGUF

/// F16: IEEE half precision.
enum F16Format: BlockFormat, FloatWeights {
    #if LLAMA_AVX2
    // The native build converts eight halves in order with F16C (`X86/F16Native.swift`).
    typealias Activation = FloatActivation
    #else
    typealias Activation = PairedFloatActivation
    #endif
    static var type: GGMLType { .f16 }
    static var blockElements: Int { 1 }
    static var blockBytes: Int { 2 }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for i in 0..<blocks { dst[i] = half(src, 2 * i) }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for i in 0..<blocks { dst.storeBytes(of: floatToHalf(src[i]), toByteOffset: 2 * i, as: UInt16.self) }
    }

    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX2
        dotF16C(weights, activation, count: blocks)
        #else
        floatDot(F16Format.self, blocks, weights, activation)
        #endif
    }

    /// Even weights from the low halves of four 32-bit lanes, odd ones from the high halves.
    @inline(__always)
    static func load8(_ weights: UnsafeRawPointer, _ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        let pairs = weights.loadUnaligned(fromByteOffset: i * 2, as: SIMD4<UInt32>.self)
        return (halfToFloat(pairs & 0xFFFF), halfToFloat(pairs &>> 16))
    }

    @inline(__always)
    static func load1(_ weights: UnsafeRawPointer, _ i: Int) -> Float { half(weights, i * 2) }
}
