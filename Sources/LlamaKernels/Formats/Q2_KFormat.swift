import GGUF

/// Q2_K: 256 weights in 84 bytes, as sixteen sub-blocks of 16. 16 bytes of sub-block scale (low
/// nibble) and minimum (high nibble), 64 bytes of 2-bit codes, half `d`, half `dmin`.
/// The block is two halves of 128 weights; in half h, weight r (0..<128) is at byte h·32 + r % 32,
/// bits 2·(r / 32). Weight = (d × scale) × code − dmin × minimum.
enum Q2_KFormat: BlockFormat {
    typealias Activation = Q8xK
    static var type: GGMLType { .q2_K }
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 84 }
    /// The 16 bytes of sub-block scales and minimums.
    static let scalesOffset = 0
    /// The 64 bytes of codes.
    static let codesOffset = 16
    static let dOffset = 80
    static let dminOffset = 82

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        decode(src, dst, blocks: blocks, code: code)
    }

    /// Decodes `blocks` blocks whose weight `e` has the unsigned code `code(block, e)`: the file's
    /// layout (``code(_:_:)``) or a repacked one, with the same float operations either way.
    @inline(__always)
    static func decode(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int, code: (UnsafeRawPointer, Int) -> Int) {
        for b in 0..<blocks {
            let block = src + b * blockBytes
            let out = dst + b * 256
            let d = half(block, dOffset), dmin = half(block, dminOffset)
            for e in 0..<256 {
                let packed = block.load(fromByteOffset: scalesOffset + e / 16, as: UInt8.self)
                out[e] = d * Float(packed & 0x0F) * Float(code(block, e)) - dmin * Float(packed >> 4)
            }
        }
    }

    /// The code of weight `e` of the block at `block`.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, _ e: Int) -> Int {
        code(block, step: e / 32, byte: e % 32)
    }

    /// The code at byte `j` of step `s` (bits 2·(s mod 4) of byte 16 + 32·(s / 4) + j): weight
    /// 32·s + j in the file's layout, the same place in ``Q2_KRepacked``'s.
    @inline(__always)
    static func code(_ block: UnsafeRawPointer, step s: Int, byte j: Int) -> Int {
        Int(block.load(fromByteOffset: codesOffset + 32 * (s / 4) + j, as: UInt8.self) >> UInt8(2 * (s % 4)) & 3)
    }

    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 256
            let block = dst + b * blockBytes
            var subScales = [Float](repeating: 0, count: 16), subMinimums = [Float](repeating: 0, count: 16)
            for group in 0..<16 {
                (subScales[group], subMinimums[group]) = fitScaleAndMinimum(x + group * 16, count: 16, upper: 3)
            }
            let scales = quantizeSubScales(subScales, upper: 15)
            let minimums = quantizeSubScales(subMinimums, upper: 15)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: dOffset)
            for group in 0..<16 {
                block.storeBytes(of: UInt8(scales.codes[group] | minimums.codes[group] << 4), toByteOffset: scalesOffset + group, as: UInt8.self)
            }
            block.storeBytes(of: scales.bits, toByteOffset: dOffset, as: UInt16.self)
            block.storeBytes(of: minimums.bits, toByteOffset: dminOffset, as: UInt16.self)
            for e in 0..<256 {
                let group = e / 16
                let id = inverse(scales.scale * Float(scales.codes[group]))
                let offset = minimums.scale * Float(minimums.codes[group])
                let code = UInt8(roundedCode((x[e] + offset) * id, 0, 3))
                let h = e / 128, r = e % 128
                let at = codesOffset + h * 32 + r % 32
                block.storeBytes(of: block.load(fromByteOffset: at, as: UInt8.self) | code << UInt8(2 * (r / 32)), toByteOffset: at, as: UInt8.self)
            }
        }
    }

    #if LLAMA_AVX2
    /// The codes in group order for the native dot (`X86/Q2_KRepacked.swift`). Prepared matrices
    /// (`Kernels.prepared`) take it; only matrices left in the file's layout read this format's dot.
    static var repacked: (any RepackedFormat.Type)? { Q2_KRepacked.self }
    #endif

    /// The dot over the file's layout, portable SIMD in every build.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD4<Float>()
        var offsets: Float = 0
        for b in 0..<blocks {
            let w = weights + b * blockBytes
            let a = activation + b * Q8xK.blockBytes
            let d8 = float(a, Q8xK.dOffset)
            let packedScales = bytes16(w, scalesOffset)
            var products = SIMD4<Int32>()
            for h in 0..<2 {
                for part in 0..<2 {
                    // Shifting by a constant each step: a variable shift amount makes Swift's
                    // SIMD shift a per-lane loop.
                    var codes = bytes16(w, codesOffset + h * 32 + part * 16)
                    for quarter in 0..<4 {
                        let code = codes & 3
                        codes = codes &>> 2
                        let group = h * 8 + quarter * 2 + part
                        products &+= dot4(unsigned: code, int8x16(a, Q8xK.valuesOffset + group * 16)) &* Int32(packedScales[group] & 0x0F)
                    }
                }
            }
            var minimumSum: Int32 = 0
            for group in 0..<16 {
                let groupSum = a.loadUnaligned(fromByteOffset: Q8xK.sumsOffset + 2 * group, as: Int16.self)
                minimumSum += Int32(packedScales[group] >> 4) * Int32(groupSum)
            }
            sum += toFloatWide(products) * (half(w, dOffset) * d8)
            offsets += half(w, dminOffset) * d8 * Float(minimumSum)
        }
        return sum.sum() - offsets
    }
}
