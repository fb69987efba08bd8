// Q4_K and Q5_K give each of their eight 32-weight sub-blocks a 6-bit scale and a 6-bit minimum,
// packed into 12 bytes:
//   bytes 0–3:  scales 0–3 in the low 6 bits; the top 2 bits are the high bits of scales 4–7
//   bytes 4–7:  minimums 0–3 likewise; the top 2 bits are the high bits of minimums 4–7
//   bytes 8–11: low 4 bits of scale 4+i (low nibble) and of minimum 4+i (high nibble)

/// The eight scales and eight minimums packed at `p`.
@inline(__always)
func unpackScaleMins(_ p: UnsafeRawPointer) -> (scales: SIMD8<UInt8>, minimums: SIMD8<UInt8>) {
    let first = p.loadUnaligned(as: SIMD4<UInt8>.self)
    let second = p.loadUnaligned(fromByteOffset: 4, as: SIMD4<UInt8>.self)
    let third = p.loadUnaligned(fromByteOffset: 8, as: SIMD4<UInt8>.self)
    let scales = SIMD8(lowHalf: first & 0x3F, highHalf: (third & 0x0F) | ((first &>> 2) & 0x30))
    let minimums = SIMD8(lowHalf: second & 0x3F, highHalf: (third &>> 4) | ((second &>> 2) & 0x30))
    return (scales, minimums)
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
