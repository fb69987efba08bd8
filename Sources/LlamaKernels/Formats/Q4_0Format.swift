import GGUF

/// Q4_0: 32 weights in 18 bytes. A half scale `d`, then 16 bytes of 4-bit codes: byte j holds
/// weight j in its low nibble and weight j + 16 in its high nibble. Weight = d × (code − 8).
enum Q4_0Format: BlockFormat {
    typealias Activation = Q8x32
    static var type: GGMLType { .q4_0 }
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 18 }
    static let dOffset = 0
    /// The 16 bytes of packed codes.
    static let codesOffset = 2

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 32
            let d = half(block, dOffset)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: codesOffset + j, as: UInt8.self)
                out[j] = d * Float(Int(byte & 0x0F) - 8)
                out[j + 16] = d * Float(Int(byte >> 4) - 8)
            }
        }
    }

    /// The value of largest magnitude maps to code 0 (−8 × d), so the 16 codes span the block.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let block = dst + b * blockBytes
            let d = signedMaxMagnitude(x, 32) / -8
            let id = inverse(halfRounded(d))
            block.storeBytes(of: floatToHalf(d), toByteOffset: dOffset, as: UInt16.self)
            for j in 0..<16 {
                let low = truncatedCode(x[j] * id + 8.5, limit: 15)
                let high = truncatedCode(x[j + 16] * id + 8.5, limit: 15)
                block.storeBytes(of: UInt8(low | high << 4), toByteOffset: codesOffset + j, as: UInt8.self)
            }
        }
    }

    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        #if LLAMA_AVX2
        dotX86(weights, activation, blocks: blocks)
        #else
        dotPortable(weights, activation, blocks: blocks)
        #endif
    }

    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        #if LLAMA_AVX2
        dotRowsX86(weights, activations, activationStride: activationStride, rows: rows, blocks: blocks, out, outStride: outStride)
        #else
        dotRowsPortable(weights, activations, activationStride: activationStride, rows: rows, blocks: blocks, out, outStride: outStride)
        #endif
    }

    /// The portable SIMD dot (the native build's tests compare against it).
    static func dotPortable(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8x32.blockBytes
            let packed = bytes16(w, codesOffset)
            let low = signed(packed & 0x0F) &- 8
            let high = signed(packed &>> 4) &- 8
            let products = dot4(low, int8x16(a, Q8x32.valuesOffset)) &+ dot4(high, int8x16(a, Q8x32.valuesOffset + 16))
            sum += toFloat(products) * (half(w, dOffset) * float(a, 0))
        }
        return sum.sum()
    }

    /// ``dotPortable(_:_:blocks:)`` for four activation rows at a time, each block's nibbles
    /// unpacked once for all four; leftover rows take the single-row dot. Each row's sum runs
    /// in the single-row dot's order, so the results are the same bit for bit.
    static func dotRowsPortable(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                                blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        @inline(__always)
        func row(_ low: SIMD16<Int8>, _ high: SIMD16<Int8>, _ d: Float, _ a: UnsafeRawPointer, _ sum: inout SIMD4<Float>) {
            let products = dot4(low, int8x16(a, Q8x32.valuesOffset)) &+ dot4(high, int8x16(a, Q8x32.valuesOffset + 16))
            sum += toFloat(products) * (d * float(a, 0))
        }
        var i = 0
        while i + 4 <= rows {
            let a0 = activations + i * activationStride, a1 = a0 + activationStride
            let a2 = a1 + activationStride, a3 = a2 + activationStride
            var s0 = SIMD4<Float>(), s1 = s0, s2 = s0, s3 = s0
            for b in 0..<blocks {
                let w = weights + b * blockBytes, x = b * Q8x32.blockBytes
                let packed = bytes16(w, codesOffset)
                let low = signed(packed & 0x0F) &- 8
                let high = signed(packed &>> 4) &- 8
                let d = half(w, dOffset)
                row(low, high, d, a0 + x, &s0)
                row(low, high, d, a1 + x, &s1)
                row(low, high, d, a2 + x, &s2)
                row(low, high, d, a3 + x, &s3)
            }
            let o = out + i * outStride
            o[0] = s0.sum()
            o[outStride] = s1.sum()
            o[2 * outStride] = s2.sum()
            o[3 * outStride] = s3.sum()
            i += 4
        }
        while i < rows {
            out[i * outStride] = dotPortable(weights, activations + i * activationStride, blocks: blocks)
            i += 1
        }
    }
}
