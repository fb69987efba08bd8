import GGUF

/// Q5_K: 256 weights in 176 bytes, as eight sub-blocks of 32. Half `d`, half `dmin`, 12 bytes of
/// packed 6-bit scales and minimums as in Q4_K, 32 bytes of fifth bits (bit t of byte j is the
/// fifth bit of weight j of sub-block t), then 128 bytes of low 4 bits laid out as in Q4_K.
/// Weight = (d × scale) × code − dmin × minimum.
enum Q5_KFormat: BlockFormat {
    typealias Activation = Q8xK
    static var type: GGMLType { .q5_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 176 }
    /// The 32 bytes of fifth bits, after the ``ScaleMinHead``.
    static let fifthBitsOffset = ScaleMinHead.byteCount
    /// The 128 bytes of low four bits.
    static let codesOffset = 48

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

    /// The code at byte `j` of step `s` (four bits from the low or high nibble of byte
    /// 48 + 32·(s / 2) + j, the fifth from bit s of byte 16 + j): weight 32·s + j in the file's
    /// layout, the same place in ``Q5_KRepacked``'s.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, step s: Int, byte j: Int) -> Int {
        let low = (block.load(fromByteOffset: codesOffset + (s / 2) * 32 + j, as: UInt8.self) >> UInt8(4 * (s % 2))) & 0x0F
        let fifth = (block.load(fromByteOffset: fifthBitsOffset + j, as: UInt8.self) >> UInt8(s)) & 1
        return Int(low | fifth << 4)
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 256
            let block = dst + b * blockBytes
            let codes = quantizeScaleMinBlock(x, block, upper: 31)
            for j in 0..<32 {
                var fifth = 0
                for sub in 0..<8 { fifth |= (codes[sub * 32 + j] >> 4) << sub }
                block.storeBytes(of: UInt8(fifth), toByteOffset: fifthBitsOffset + j, as: UInt8.self)
            }
            for i in 0..<128 {
                let g = i / 32, j = i % 32
                let byte = (codes[g * 64 + j] & 0x0F) | (codes[g * 64 + 32 + j] & 0x0F) << 4
                block.storeBytes(of: UInt8(byte), toByteOffset: codesOffset + i, as: UInt8.self)
            }
        }
    }

    #if LLAMA_AVX2
    /// The codes in group order for the native dot (`X86/ScaleMinRepacked.swift`). Prepared matrices
    /// (`Kernels.prepared`) take it; only matrices left in the file's layout read this format's dot.
    static var repacked: (any RepackedFormat.Type)? { Q5_KRepacked.self }
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
            // The fifth bits move down by 2 per pair of sub-blocks: constant shifts only, since a
            // variable amount makes Swift's SIMD shift a per-lane loop.
            var fifth0 = bytes16(w, fifthBitsOffset), fifth1 = bytes16(w, fifthBitsOffset + 16)
            var products = SIMD4<Int32>()
            for g in 0..<4 {
                let p0 = bytes16(w, codesOffset + g * 32), p1 = bytes16(w, codesOffset + 16 + g * 32)
                let qa = Q8xK.valuesOffset + g * 64
                let c0 = (p0 & 0x0F) | (fifth0 & 1) &<< 4
                let c1 = (p1 & 0x0F) | (fifth1 & 1) &<< 4
                let c2 = (p0 &>> 4) | ((fifth0 &>> 1) & 1) &<< 4
                let c3 = (p1 &>> 4) | ((fifth1 &>> 1) & 1) &<< 4
                fifth0 = fifth0 &>> 2
                fifth1 = fifth1 &>> 2
                let low = dot4(unsigned: c0, int8x16(a, qa)) &+ dot4(unsigned: c1, int8x16(a, qa + 16))
                let high = dot4(unsigned: c2, int8x16(a, qa + 32)) &+ dot4(unsigned: c3, int8x16(a, qa + 48))
                products &+= low &* scales[2 * g] &+ high &* scales[2 * g + 1]
            }
            sum += toFloatWide(products) * (half(w, ScaleMinHead.dOffset) * d8)
            offsets += half(w, ScaleMinHead.dminOffset) * d8 * Float(minimumSum(minimums, a))
        }
        return sum.sum() - offsets
    }
}
