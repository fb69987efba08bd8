import GGUF

/// Q3_K: 256 weights in 110 bytes, as sixteen sub-blocks of 16 with signed 6-bit scales.
/// 32 bytes of high bits (bit t of byte j belongs to weight 32·t + j), 64 bytes of low 2 bits laid
/// out as in Q2_K, 12 bytes of scales, half `d`. Scale i (stored + 32) has its low 4 bits in byte
/// i % 8 (low nibble for i < 8, high otherwise) and its top 2 bits in byte 8 + i % 4 at bit
/// 2·(i / 4). Code = low bits − 4 when the high bit is clear, low bits when set.
/// Weight = (d × scale) × code.
enum Q3_KFormat: BlockFormat {
    typealias Activation = Q8xK
    static var type: GGMLType { .q3_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 110 }
    /// The 32 bytes of high bits.
    static let highBitsOffset = 0
    /// The 64 bytes of low two bits.
    static let lowBitsOffset = 32
    /// The 12 bytes of scales: 8 of low four bits, then 4 of top two.
    static let scalesOffset = 96
    static let dOffset = 108

    /// Signed scale `i` (0..<16) of the block at `block`.
    @inline(__always)
    static func scale(_ block: UnsafeRawPointer, _ i: Int) -> Int32 {
        let low = (block.load(fromByteOffset: scalesOffset + i % 8, as: UInt8.self) >> UInt8(4 * (i / 8))) & 0x0F
        let high = (block.load(fromByteOffset: scalesOffset + 8 + i % 4, as: UInt8.self) >> UInt8(2 * (i / 4))) & 3
        return Int32(low | high << 4) - 32
    }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        decode(src, dst, blocks: blocks, code: code)
    }

    /// Decodes `blocks` blocks whose weight `e` has the code stored unsigned (0...7, the code + 4) `code(block, e)`: the file's
    /// layout (``code(_:_:)``) or a repacked one, with the same float operations either way.
    @inline(__always)
    static func decode(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int, code: (UnsafeRawPointer, Int) -> Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 256
            let d = half(block, dOffset)
            for e in 0..<256 {
                out[e] = d * Float(scale(block, e / 16)) * Float(code(block, e) - 4)
            }
        }
    }

    /// The stored code (low bits + 4 × high bit) of weight `e` of the block at `block`.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, _ e: Int) -> Int {
        let h = e / 128, r = e % 128
        let low = (block.load(fromByteOffset: lowBitsOffset + h * 32 + r % 32, as: UInt8.self) >> UInt8(2 * (r / 32))) & 3
        let high = (block.load(fromByteOffset: highBitsOffset + e % 32, as: UInt8.self) >> UInt8(e / 32)) & 1
        return Int(low | high << 2)
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 256
            let block = dst + b * blockBytes
            let subScales = (0..<16).map { fitSymmetricScale(x + $0 * 16, count: 16, lower: -4, upper: 3) }
            let scales = quantizeSignedSubScales(subScales, limit: 31)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: dOffset)
            for i in 0..<16 {
                let stored = scales.codes[i] + 32
                let lowAt = scalesOffset + i % 8, highAt = scalesOffset + 8 + i % 4
                let low = UInt8(stored & 0x0F) << (i < 8 ? 0 : 4)
                let high = UInt8(stored >> 4) << UInt8(2 * (i / 4))
                block.storeBytes(of: block.load(fromByteOffset: lowAt, as: UInt8.self) | low, toByteOffset: lowAt, as: UInt8.self)
                block.storeBytes(of: block.load(fromByteOffset: highAt, as: UInt8.self) | high, toByteOffset: highAt, as: UInt8.self)
            }
            block.storeBytes(of: scales.bits, toByteOffset: dOffset, as: UInt16.self)
            for e in 0..<256 {
                let id = inverse(scales.scale * Float(scales.codes[e / 16]))
                let stored = UInt8(roundedCode(x[e] * id, -4, 3) + 4)
                let h = e / 128, r = e % 128
                let lowAt = lowBitsOffset + h * 32 + r % 32, highAt = highBitsOffset + e % 32
                let low = (stored & 3) << UInt8(2 * (r / 32))
                let high = (stored >> 2) << UInt8(e / 32)
                block.storeBytes(of: block.load(fromByteOffset: lowAt, as: UInt8.self) | low, toByteOffset: lowAt, as: UInt8.self)
                block.storeBytes(of: block.load(fromByteOffset: highAt, as: UInt8.self) | high, toByteOffset: highAt, as: UInt8.self)
            }
        }
    }

    #if LLAMA_AVX2
    /// The codes in group order and regrouped for the native dot (`X86/Q3_KRepacked.swift`). Prepared matrices
    /// (`Kernels.prepared`) take it; only matrices left in the file's layout read this format's dot.
    static var repacked: (any RepackedFormat.Type)? { Q3_KRepacked.self }
    #endif

    /// The dot over the file's layout, portable SIMD in every build.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8xK.blockBytes
            var products = SIMD4<Int32>()
            for part in 0..<2 {
                // Shifts by constants, one step per quarter: a variable shift amount makes
                // Swift's SIMD shift a per-lane loop. High bit 4·h + quarter is next in turn.
                var highBits = bytes16(w, highBitsOffset + part * 16)
                for h in 0..<2 {
                    var lowBits = bytes16(w, lowBitsOffset + h * 32 + part * 16)
                    for quarter in 0..<4 {
                        let low = lowBits & 3
                        let clear = (highBits & 1) ^ 1
                        lowBits = lowBits &>> 2
                        highBits = highBits &>> 1
                        let code = signed(low) &- signed(clear &<< 2)
                        let group = h * 8 + quarter * 2 + part
                        products &+= dot4(code, int8x16(a, Q8xK.valuesOffset + group * 16)) &* scale(w, group)
                    }
                }
            }
            sum += toFloatWide(products) * (half(w, dOffset) * float(a, Q8xK.dOffset))
        }
        return sum.sum()
    }
}
