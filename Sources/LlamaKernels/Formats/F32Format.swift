import GGUF

/// F32: plain little-endian floats.
enum F32Format: BlockFormat, FloatWeights {
    typealias Activation = FloatActivation
    static var type: GGMLType { .f32 }
    static var blockElements: Int { 1 }
    static var blockBytes: Int { 4 }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: blocks * 4)
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        dst.copyMemory(from: src, byteCount: blocks * 4)
    }

    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX2
        dotFMA(weights, activation, count: blocks)
        #else
        floatDot(F32Format.self, blocks, weights, activation)
        #endif
    }

    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        #if LLAMA_AVX2
        dotRowsFMA(weights, activations, activationStride: activationStride, rows: rows, count: blocks, out, outStride: outStride)
        #else
        floatDotRows(F32Format.self, blocks, weights, activations, activationStride: activationStride, rows: rows, out, outStride: outStride)
        #endif
    }

    @inline(__always)
    static func load8(_ weights: UnsafeRawPointer, _ i: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        (weights.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self), weights.loadUnaligned(fromByteOffset: i * 4 + 16, as: SIMD4<Float>.self))
    }

    @inline(__always)
    static func load1(_ weights: UnsafeRawPointer, _ i: Int) -> Float { weights.loadUnaligned(fromByteOffset: i * 4, as: Float.self) }
}
