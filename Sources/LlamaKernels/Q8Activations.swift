// The 8-bit activation encodings that the integer dot products read. Both use a float scale
// (ggml's Q8_0 rounds its scale to half; these do not, so they lose less) and round to nearest,
// ties away from zero, into -127...127.

/// Activation blocks for the 32-element weight types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0).
///
/// Layout, 40 bytes: scale `d: Float`, then `s: Float` = d × (sum of the 32 values, which the
/// types with an offset need), then 32 × `Int8`. Element i is `d * q[i]`.
enum Q8x32: ActivationFormat {
    static var blockElements: Int { 32 }
    static var blockBytes: Int { 40 }
    static let dOffset = 0
    static let sumOffset = 4
    static let valuesOffset = 8

    static func encode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 32
            let out = dst + b * blockBytes
            let (d, inverse) = scale(x, count: 32)
            var sum: Int32 = 0
            for i in 0..<32 {
                let q = roundToInt8(x[i] * inverse)
                sum += Int32(q)
                out.storeBytes(of: q, toByteOffset: valuesOffset + i, as: Int8.self)
            }
            out.storeBytes(of: d, toByteOffset: dOffset, as: Float.self)
            out.storeBytes(of: d * Float(sum), toByteOffset: sumOffset, as: Float.self)
        }
    }
}

/// Activation blocks for the K-quants, ggml's Q8_K layout (292 bytes): scale `d: Float`,
/// 256 × `Int8`, then 16 × `Int16` holding the sum of each run of 16 values (the K-quants with
/// a minimum subtract `min × sum` per sub-block without touching the values again).
enum Q8xK: ActivationFormat {
    static var blockElements: Int { 256 }
    static var blockBytes: Int { 292 }
    static let dOffset = 0
    static let valuesOffset = 4
    static let sumsOffset = 260

    static func encode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        for b in 0..<blocks {
            let x = src + b * 256
            let out = dst + b * blockBytes
            let (d, inverse) = scale(x, count: 256)
            out.storeBytes(of: d, toByteOffset: dOffset, as: Float.self)
            for group in 0..<16 {
                var sum: Int16 = 0
                for i in group * 16..<group * 16 + 16 {
                    let q = roundToInt8(x[i] * inverse)
                    sum += Int16(q)
                    out.storeBytes(of: q, toByteOffset: valuesOffset + i, as: Int8.self)
                }
                out.storeBytes(of: sum, toByteOffset: sumsOffset + 2 * group, as: Int16.self)
            }
        }
    }
}

/// The scale mapping the largest magnitude of `count` floats to 127, and its inverse (0 for an
/// all-zero block). Non-finite input gives a zero block rather than a trap.
@inline(__always)
private func scale(_ x: UnsafePointer<Float>, count: Int) -> (d: Float, inverse: Float) {
    var amax: Float = 0
    for i in 0..<count { amax = max(amax, x[i].magnitude) }
    guard amax > 0, amax.isFinite else { return (0, 0) }
    return (amax / 127, 127 / amax)
}

/// `value` rounded half away from zero into -127...127; NaN (from non-finite input) gives 127
/// instead of trapping.
@inline(__always)
func roundToInt8(_ value: Float) -> Int8 {
    Int8(max(-127, min(127, value.rounded())))
}

/// ``Q8xK`` with each block's values in group order, for the repacked K-quants whose 32-weight
/// steps take two weights of every 16-weight group: value `16g + 2s + t` (group g, t = 0, 1) is
/// stored at position `32s + 2g + t`, so a step's 32 bytes meet all sixteen groups, two bytes
/// each. Scale and group sums as in ``Q8xK``.
enum Q8xKGrouped: ActivationFormat {
    static var blockElements: Int { 256 }
    static var blockBytes: Int { Q8xK.blockBytes }

    static func encode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        Q8xK.encode(src, dst, blocks: blocks)
        withUnsafeTemporaryAllocation(byteCount: 256, alignment: 32) { natural in
            for b in 0..<blocks {
                let values = dst + b * blockBytes + Q8xK.valuesOffset
                natural.baseAddress!.copyMemory(from: values, byteCount: 256)
                groupOrder(natural.baseAddress!, values)
            }
        }
    }
}

/// Writes the 256 bytes at `natural` to `grouped` in group order (see ``Q8xKGrouped``): the
/// pair of bytes `2s, 2s + 1` of each 16-byte group `g` goes to pair `g` of 32-byte step `s`.
func groupOrder(_ natural: UnsafeRawPointer, _ grouped: UnsafeMutableRawPointer) {
    for s in 0..<8 {
        for g in 0..<16 {
            let pair = natural.loadUnaligned(fromByteOffset: 16 * g + 2 * s, as: UInt16.self)
            grouped.storeBytes(of: pair, toByteOffset: 32 * s + 2 * g, as: UInt16.self)
        }
    }
}

/// Where weight `e` (0..<256) of a block lies in group order: step `(e mod 16) / 2`, byte
/// `2·(e / 16) + e mod 2` of its 32.
@inline(__always)
func groupOrderPosition(_ e: Int) -> (step: Int, byte: Int) {
    ((e % 16) / 2, 2 * (e / 16) + e % 2)
}
