// Q4_K and Q5_K give each of their eight 32-weight sub-blocks a 6-bit scale and a 6-bit minimum,
// packed into 12 bytes:
//   bytes 0–3:  scales 0–3 in the low 6 bits; the top 2 bits are the high bits of scales 4–7
//   bytes 4–7:  minimums 0–3 likewise; the top 2 bits are the high bits of minimums 4–7
//   bytes 8–11: low 4 bits of scale 4+i (low nibble) and of minimum 4+i (high nibble)

/// The 16 bytes that start every Q4_K and Q5_K block: half `d`, half `dmin`, then the twelve
/// packed bytes above.
enum ScaleMinHead {
    static let dOffset = 0
    static let dminOffset = 2
    static let scalesOffset = 4
    static let byteCount = 16
}

/// Eight 6-bit values, value j in byte j of a 64-bit word.
struct SixBitValues {
    let bytes: UInt64
    @inline(__always) subscript(_ j: Int) -> Int32 { Int32(truncatingIfNeeded: (bytes >> UInt64(8 * j)) & 0xFF) }
}

/// The eight scales and eight minimums packed at `p` (bytewise arithmetic on 32-bit words).
@inline(__always)
func unpackScaleMins(_ p: UnsafeRawPointer) -> (scales: SixBitValues, minimums: SixBitValues) {
    let first = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
    let second = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    let third = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
    let scales = (first & 0x3F3F_3F3F) | ((third & 0x0F0F_0F0F) | ((first >> 2) & 0x3030_3030)) << 32
    let minimums = (second & 0x3F3F_3F3F) | (((third >> 4) & 0x0F0F_0F0F) | ((second >> 2) & 0x3030_3030)) << 32
    return (SixBitValues(bytes: scales), SixBitValues(bytes: minimums))
}

/// Packs eight scales and eight minimums (each 0...63) at `p`.
func packScaleMins(scales: [Int], minimums: [Int], _ p: UnsafeMutableRawPointer) {
    for i in 0..<4 {
        let s = scales[i], m = minimums[i], s4 = scales[i + 4], m4 = minimums[i + 4]
        p.storeBytes(of: UInt8((s & 0x3F) | (s4 >> 4) << 6), toByteOffset: i, as: UInt8.self)
        p.storeBytes(of: UInt8((m & 0x3F) | (m4 >> 4) << 6), toByteOffset: 4 + i, as: UInt8.self)
        p.storeBytes(of: UInt8((s4 & 0x0F) | (m4 & 0x0F) << 4), toByteOffset: 8 + i, as: UInt8.self)
    }
}

/// Σ minimum[j] × (sum of the activation codes of sub-block j), from the Q8_K block's sums of 16.
@inline(__always)
func minimumSum(_ minimums: SixBitValues, _ activation: UnsafeRawPointer) -> Int32 {
    var total: Int32 = 0
    for j in 0..<8 {
        let first = activation.loadUnaligned(fromByteOffset: Q8xK.sumsOffset + 4 * j, as: Int16.self)
        let second = activation.loadUnaligned(fromByteOffset: Q8xK.sumsOffset + 4 * j + 2, as: Int16.self)
        total += minimums[j] * (Int32(first) + Int32(second))
    }
    return total
}

/// Decodes `blocks` Q4_K or Q5_K blocks of `blockBytes` bytes: weight `e` of a block is
/// d × scale × `code(block, e)` − dmin × minimum of its sub-block, in gguf-py's operation order.
@inline(__always)
func decodeScaleMinBlocks(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int, blockBytes: Int,
                          code: (UnsafeRawPointer, Int) -> Int) {
    for b in 0..<blocks {
        let block = src + b * blockBytes
        let out = dst + b * 256
        let d = half(block, ScaleMinHead.dOffset), dmin = half(block, ScaleMinHead.dminOffset)
        let (scales, minimums) = unpackScaleMins(block + ScaleMinHead.scalesOffset)
        for sub in 0..<8 {
            let scale = d * Float(scales[sub]), offset = dmin * Float(minimums[sub])
            for e in sub * 32..<sub * 32 + 32 {
                out[e] = scale * Float(code(block, e)) - offset
            }
        }
    }
}
