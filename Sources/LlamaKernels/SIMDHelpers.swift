// Small portable-SIMD building blocks for the integer dot products. Plain `-O` lowers them to
// SSE2 on x86-64 and NEON on arm64.

/// 16 bytes at `offset` from `p`.
@inline(__always)
func bytes16(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
}

/// 16 signed bytes at `offset` from `p`.
@inline(__always)
func int8x16(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD16<Int8> {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int8>.self)
}

/// Reinterprets bytes that hold small codes (below 128) as signed values.
@inline(__always)
func signed(_ v: SIMD16<UInt8>) -> SIMD16<Int8> { SIMD16<Int8>(truncatingIfNeeded: v) }

/// The products of 16 pairs of int8 values, adjacent pairs summed into 8 Int32 lanes.
/// Each product fits Int16 (|a|, |b| ≤ 128), so the multiply is 16-bit and only the sums widen.
@inline(__always)
func dotPairs(_ a: SIMD16<Int8>, _ b: SIMD16<Int8>) -> SIMD8<Int32> {
    let products = SIMD16<Int16>(truncatingIfNeeded: a) &* SIMD16<Int16>(truncatingIfNeeded: b)
    return SIMD8<Int32>(truncatingIfNeeded: products.evenHalf) &+ SIMD8<Int32>(truncatingIfNeeded: products.oddHalf)
}

/// The half-precision value stored at `offset` from `p`, as a float.
@inline(__always)
func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    halfToFloat(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
}

/// The float stored at `offset` from `p`.
@inline(__always)
func float(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    p.loadUnaligned(fromByteOffset: offset, as: Float.self)
}

/// Bit `i` of `bits` (i = 0..<16) as lane i, set to `0x10` where the bit is 1: the fifth bit of
/// a 5-bit code, as Q5_0 and Q5_1 store it.
@inline(__always)
func fifthBits(_ bits: UInt16) -> SIMD16<UInt8> {
    let low = SIMD8<UInt8>(repeating: UInt8(truncatingIfNeeded: bits))
    let high = SIMD8<UInt8>(repeating: UInt8(truncatingIfNeeded: bits >> 8))
    let masks = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
    let set = (SIMD16<UInt8>(lowHalf: low, highHalf: high) & masks) .!= 0
    return SIMD16<UInt8>(repeating: 0).replacing(with: 0x10, where: set)
}
