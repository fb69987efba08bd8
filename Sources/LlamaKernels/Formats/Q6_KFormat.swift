import GGUF

/// Q6_K: 256 weights in 210 bytes, as sixteen sub-blocks of 16 with signed 8-bit scales.
/// 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 scales (`Int8`), then half `d`.
/// The block is two halves of 128 weights; in half h, weight r (0..<128) takes its low bits from
/// byte h·64 + r % 64 of the first area (low nibble for r < 64, high nibble otherwise) and its high
/// bits from byte h·32 + r % 32 of the second, at bit 2·(r / 32).
/// Weight = (d × scale) × (code − 32).
enum Q6_KFormat: BlockFormat {
    typealias Activation = Q8xK
    static var type: GGMLType { .q6_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 210 }
    /// The 128 bytes of low four bits.
    static let lowBitsOffset = 0
    /// The 64 bytes of high two bits.
    static let highBitsOffset = 128
    /// The 16 signed scales.
    static let scalesOffset = 192
    static let dOffset = 208

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        decode(src, dst, blocks: blocks, code: code)
    }

    /// Decodes `blocks` blocks whose weight `e` has the code stored unsigned (0...63, the code + 32) `code(block, e)`: the file's
    /// layout (``code(_:_:)``) or a repacked one, with the same float operations either way.
    @inline(__always)
    static func decode(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int, code: (UnsafeRawPointer, Int) -> Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 256
            let d = half(block, dOffset)
            for e in 0..<256 {
                let scale = d * Float(block.load(fromByteOffset: scalesOffset + e / 16, as: Int8.self))
                out[e] = scale * Float(code(block, e) - 32)
            }
        }
    }

    /// The stored code of weight `e` of the block at `block`.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, _ e: Int) -> Int {
        let h = e / 128, r = e % 128
        let lowByte = block.load(fromByteOffset: lowBitsOffset + h * 64 + r % 64, as: UInt8.self)
        let low = (r < 64 ? lowByte : lowByte >> 4) & 0x0F
        let high = (block.load(fromByteOffset: highBitsOffset + h * 32 + r % 32, as: UInt8.self) >> UInt8(2 * (r / 32))) & 3
        return Int(low | high << 4)
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 256
            let block = dst + b * blockBytes
            let subScales = (0..<16).map { fitSymmetricScale(x + $0 * 16, count: 16, lower: -32, upper: 31) }
            let scales = quantizeSignedSubScales(subScales, limit: 127)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: dOffset)
            for group in 0..<16 {
                block.storeBytes(of: Int8(scales.codes[group]), toByteOffset: scalesOffset + group, as: Int8.self)
            }
            block.storeBytes(of: scales.bits, toByteOffset: dOffset, as: UInt16.self)
            for e in 0..<256 {
                let id = inverse(scales.scale * Float(scales.codes[e / 16]))
                let code = UInt8(roundedCode(x[e] * id, -32, 31) + 32)
                let h = e / 128, r = e % 128
                let lowAt = lowBitsOffset + h * 64 + r % 64, highAt = highBitsOffset + h * 32 + r % 32
                let low = (code & 0x0F) << (r < 64 ? 0 : 4)
                let high = (code >> 4) << UInt8(2 * (r / 32))
                block.storeBytes(of: block.load(fromByteOffset: lowAt, as: UInt8.self) | low, toByteOffset: lowAt, as: UInt8.self)
                block.storeBytes(of: block.load(fromByteOffset: highAt, as: UInt8.self) | high, toByteOffset: highAt, as: UInt8.self)
            }
        }
    }

    #if LLAMA_AVX2
    /// The codes in group order for the native dot (`X86/Q6_KRepacked.swift`). Prepared matrices
    /// (`Kernels.prepared`) take it; only matrices left in the file's layout read this format's dot.
    static var repacked: (any RepackedFormat.Type)? { Q6_KRepacked.self }
    #endif

    /// The dot over the file's layout, portable SIMD in every build.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8xK.blockBytes
            var products = SIMD4<Int32>()
            for h in 0..<2 {
                for part in 0..<2 {  // weights 16·part ..< 16·part + 16 of each run of 32
                    let lowBytes0 = bytes16(w, lowBitsOffset + h * 64 + part * 16)
                    let lowBytes1 = bytes16(w, lowBitsOffset + h * 64 + 32 + part * 16)
                    // Shifted by a constant per quarter: a variable amount makes Swift's SIMD
                    // shift a per-lane loop.
                    var highBytes = bytes16(w, highBitsOffset + h * 32 + part * 16)
                    for quarter in 0..<4 {
                        let lowBytes = quarter % 2 == 0 ? lowBytes0 : lowBytes1
                        let low = quarter < 2 ? lowBytes & 0x0F : lowBytes &>> 4
                        let high = (highBytes & 3) &<< 4
                        highBytes = highBytes &>> 2
                        let code = signed(low | high) &- 32
                        let group = h * 8 + quarter * 2 + part
                        let scale = Int32(w.load(fromByteOffset: scalesOffset + group, as: Int8.self))
                        products &+= dot4(code, int8x16(a, Q8xK.valuesOffset + group * 16)) &* scale
                    }
                }
            }
            sum += toFloatWide(products) * (half(w, dOffset) * float(a, Q8xK.dOffset))
        }
        return sum.sum()
    }
}
