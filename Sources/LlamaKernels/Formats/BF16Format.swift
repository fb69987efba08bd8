import GGUF

/// BF16: bfloat16, the top 16 bits of a float.
enum BF16Format: BlockFormat, FloatWeights {
    #if LLAMA_AVX2
    // The native build widens eight bfloat16 values in order (`X86/BF16Native.swift`).
    typealias Activation = FloatActivation
    #else
    typealias Activation = PairedFloatActivation
    #endif
    static var type: GGMLType { .bf16 }
    static var blockElements: Int { 1 }
    static var blockBytes: Int { 2 }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for i in 0..<blocks { dst[i] = bf16ToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for i in 0..<blocks { dst.storeBytes(of: floatToBF16(src[i]), toByteOffset: 2 * i, as: UInt16.self) }
    }

    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX2
        dotAVX2(weights, activation, count: blocks)
        #else
        floatDot(BF16Format.self, blocks, weights, activation)
        #endif
    }

    /// Even weights from the low halves of four 32-bit lanes, odd ones from the high halves.
    @inline(__always)
    static func load8(_ weights: UnsafeRawPointer, _ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        let pairs = weights.loadUnaligned(fromByteOffset: i * 2, as: SIMD4<UInt32>.self)
        return (unsafeBitCast(pairs &<< 16, to: SIMD4<Float>.self), unsafeBitCast(pairs & 0xFFFF_0000, to: SIMD4<Float>.self))
    }

    @inline(__always)
    static func load1(_ weights: UnsafeRawPointer, _ i: Int) -> Float {
        bf16ToFloat(weights.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
    }
}
