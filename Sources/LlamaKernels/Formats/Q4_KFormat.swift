import GGUF

/// Q4_K: 256 weights in 144 bytes, as eight sub-blocks of 32. Half super-scale `d` and half
/// super-minimum `dmin`, 12 bytes of 6-bit sub-block scales and minimums (see
/// `PackedScaleMins.swift`), then 128 bytes of 4-bit codes. Each 32 bytes j cover 64 weights:
/// low nibbles are sub-block 2j, high nibbles sub-block 2j + 1.
/// Weight = (d × scale) × code − dmin × minimum.
enum Q4_KFormat: BlockFormat {
    typealias Activation = Q8xK
    static var type: GGMLType { .q4_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 144 }
    /// The 128 bytes of codes, after the ``ScaleMinHead``.
    static let codesOffset = ScaleMinHead.byteCount

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        decode(src, dst, blocks: blocks, code: code)
    }

    /// Decodes `blocks` blocks whose weight `e` has the unsigned code `code(block, e)`: the file's
    /// layout (``code(_:_:)``) or a repacked one, with the same float operations either way.
    @inline(__always)
    static func decode(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int, code: (UnsafeRawPointer, Int) -> Int) {
        decodeScaleMinBlocks(src, dst, blocks: blocks, blockBytes: blockBytes, code: code)
    }

    /// The code of weight `e` of the block at `block`.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, _ e: Int) -> Int {
        code(block, step: e / 32, byte: e % 32)
    }

    /// The code at byte `j` of step `s` (the low or high nibble of byte 16 + 32·(s / 2) + j):
    /// weight 32·s + j in the file's layout, the same place in ``Q4_KRepacked``'s.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, step s: Int, byte j: Int) -> Int {
        Int(block.load(fromByteOffset: codesOffset + (s / 2) * 32 + j, as: UInt8.self) >> UInt8(4 * (s % 2)) & 0x0F)
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 256
            let block = dst + b * blockBytes
            let codes = quantizeScaleMinBlock(x, block, upper: 15)
            for i in 0..<128 {
                let g = i / 32, j = i % 32
                let byte = codes[g * 64 + j] | codes[g * 64 + 32 + j] << 4
                block.storeBytes(of: UInt8(byte), toByteOffset: codesOffset + i, as: UInt8.self)
            }
        }
    }

    #if LLAMA_AVX2
    /// The codes in group order for the native dot (`X86/ScaleMinRepacked.swift`). Prepared matrices
    /// (`Kernels.prepared`) take it; only matrices left in the file's layout read this format's dot.
    static var repacked: (any RepackedFormat.Type)? { Q4_KRepacked.self }
    #endif

    /// The dot over the file's layout, portable SIMD in every build.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        var offsets: Float = 0
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8xK.blockBytes
            let d8 = float(a, Q8xK.dOffset)
            let (scales, minimums) = unpackScaleMins(w + ScaleMinHead.scalesOffset)
            var products = SIMD4<Int32>()
            for g in 0..<4 {
                let p0 = bytes16(w, codesOffset + g * 32), p1 = bytes16(w, codesOffset + 16 + g * 32)
                let qa = Q8xK.valuesOffset + g * 64
                let low = dot4(unsigned: p0 & 0x0F, int8x16(a, qa)) &+ dot4(unsigned: p1 & 0x0F, int8x16(a, qa + 16))
                let high = dot4(unsigned: p0 &>> 4, int8x16(a, qa + 32)) &+ dot4(unsigned: p1 &>> 4, int8x16(a, qa + 48))
                products &+= low &* scales[2 * g] &+ high &* scales[2 * g + 1]
            }
            sum += toFloatWide(products) * (half(w, ScaleMinHead.dOffset) * d8)
            offsets += half(w, ScaleMinHead.dminOffset) * d8 * Float(minimumSum(minimums, a))
        }
        return sum.sum() - offsets
    }
}
