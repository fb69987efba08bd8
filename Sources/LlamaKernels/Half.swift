// IEEE binary16 and bfloat16 conversions written with integer arithmetic. They are exact, need no
// F16C instructions on x86 (where Swift would call a runtime routine per value), and do not depend
// on `Float16`, which macOS on Intel lacks.

/// 2^112: moves a half's exponent (bias 15) into float's (bias 127) once its bits sit in float position.
private let halfRebias = Float(bitPattern: 0x7780_0000)

/// The float a binary16 bit pattern stands for (subnormals, infinities and NaN payloads kept).
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let magnitude = UInt32(h & 0x7FFF) << 13
    let sign = UInt32(h & 0x8000) << 16
    // Multiplying by 2^112 rebiases the exponent and normalises half subnormals exactly.
    var bits = (Float(bitPattern: magnitude) * halfRebias).bitPattern
    if h & 0x7C00 == 0x7C00 { bits = magnitude | 0x7F80_0000 }
    return Float(bitPattern: bits | sign)
}

/// Four halves, each in the low 16 bits of a lane, to floats, with the same rules as
/// ``halfToFloat(_:)`` but no branches.
@inline(__always)
func halfToFloat(_ h: SIMD4<UInt32>) -> SIMD4<Float> {
    let magnitude = (h & 0x7FFF) &<< 13
    let sign = (h & 0x8000) &<< 16
    let scaled = unsafeBitCast(unsafeBitCast(magnitude, to: SIMD4<Float>.self) * halfRebias, to: SIMD4<UInt32>.self)
    // All ones where the exponent is 31 (infinity or NaN): 0x7C00 + 0x0400 is the first value with bit 15 set.
    let special = 0 &- (((h & 0x7C00) &+ 0x0400) &>> 15)
    let bits = (scaled & ~special) | ((magnitude | 0x7F80_0000) & special)
    return unsafeBitCast(bits | sign, to: SIMD4<Float>.self)
}

/// The nearest binary16 to `value` (ties to even); overflow gives infinity, NaN stays NaN.
func floatToHalf(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
    let magnitude = bits & 0x7FFF_FFFF
    if magnitude >= 0x4780_0000 {  // 65536 and above, infinity, NaN
        if magnitude > 0x7F80_0000 { return sign | 0x7E00 | UInt16(truncatingIfNeeded: (magnitude >> 13) & 0x1FF) }
        return sign | 0x7C00
    }
    if magnitude < 0x3880_0000 {  // below 2^-14: half subnormal or zero
        // Adding 0.5 puts the half-subnormal step (2^-24) at the last place of a float, so the
        // float addition does the ties-to-even rounding; the low bits are then the half's bits.
        let shifted = Float(bitPattern: magnitude) + 0.5
        return sign | UInt16(truncatingIfNeeded: shifted.bitPattern - Float(0.5).bitPattern)
    }
    // Normal range: rebias the exponent, then round away the 13 low fraction bits, ties to even.
    // Values from 65520 up carry into the infinity pattern.
    let lsb = (magnitude >> 13) & 1
    let rounded = (magnitude &- 0x3800_0000) &+ 0x0FFF &+ lsb
    return sign | UInt16(truncatingIfNeeded: min(rounded >> 13, 0x7C00))
}

/// The float a bfloat16 bit pattern stands for (bfloat16 is the top half of a float).
@inline(__always)
func bf16ToFloat(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

/// The nearest bfloat16 to `value` (ties to even); NaN stays a quiet NaN.
func floatToBF16(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if bits & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
    return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
}
