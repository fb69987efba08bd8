import GGUF

/// F32: plain little-endian floats.
enum F32Format: BlockFormat {
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
        floatDot(blocks, weights, activation) {
            ($0.loadUnaligned(fromByteOffset: $1 * 4, as: SIMD4<Float>.self), $0.loadUnaligned(fromByteOffset: $1 * 4 + 16, as: SIMD4<Float>.self))
        } scalar: {
            $0.loadUnaligned(fromByteOffset: $1 * 4, as: Float.self)
        }
    }
}
