import CPrefetch
#if LLAMA_AVX2
import _Builtin_intrinsics.intel
#endif

// Small portable-SIMD building blocks for the dot products. Plain `-O` lowers them to SSE2 on
// x86-64 and NEON on arm64.
//
// They use only bit casts, shifts, masks, add and multiply on whole vectors: the standard
// library's element-type conversions (`SIMD16<Int16>(truncatingIfNeeded:)`, `SIMD4<Float>(_:)`),
// comparisons and `replacing(with:where:)` are not inlined into the loops (each costs a call),
// which made the first version of these kernels several times slower.

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
func signed(_ v: SIMD16<UInt8>) -> SIMD16<Int8> { unsafeBitCast(v, to: SIMD16<Int8>.self) }

/// The products of 16 pairs of int8 values, summed in fours: lane k is Σ a[i]·b[i] for
/// i in 4k..<4k+4.
///
/// Even and odd bytes are sign-extended in place inside 16-bit lanes, multiplied, and the two
/// products of each 16-bit lane added: that sum fits Int16 as long as `b` (the activation) stays
/// within ±127, which the encoders guarantee (|a·b| ≤ 128·127, twice that is below 2^15).
@inline(__always)
func dot4(_ a: SIMD16<Int8>, _ b: SIMD16<Int8>) -> SIMD4<Int32> {
    let a16 = unsafeBitCast(a, to: SIMD8<Int16>.self)
    let b16 = unsafeBitCast(b, to: SIMD8<Int16>.self)
    let pairs = ((a16 &<< 8) &>> 8) &* ((b16 &<< 8) &>> 8) &+ (a16 &>> 8) &* (b16 &>> 8)
    let p32 = unsafeBitCast(pairs, to: SIMD4<Int32>.self)
    return ((p32 &<< 16) &>> 16) &+ (p32 &>> 16)
}

/// ``dot4(_:_:)`` for unsigned codes below 128 (the codes of the types with a minimum, and of the
/// K-quants before their offset). Knowing the high bits are clear, even bytes are a mask and odd
/// bytes a shift; LLVM turned the sign-extending form into slow lane-by-lane code for such inputs.
@inline(__always)
func dot4(unsigned a: SIMD16<UInt8>, _ b: SIMD16<Int8>) -> SIMD4<Int32> {
    let a16 = unsafeBitCast(a, to: SIMD8<Int16>.self)
    let b16 = unsafeBitCast(b, to: SIMD8<Int16>.self)
    let pairs = (a16 & 0x00FF) &* ((b16 &<< 8) &>> 8) &+ (a16 &>> 8) &* (b16 &>> 8)
    let p32 = unsafeBitCast(pairs, to: SIMD4<Int32>.self)
    return ((p32 &<< 16) &>> 16) &+ (p32 &>> 16)
}

/// Converts integers of magnitude below 2^22 to floats exactly: added to the bits of 1.5·2^23
/// they become that float plus the integer, and subtracting 1.5·2^23 leaves the integer.
@inline(__always)
func toFloat(_ v: SIMD4<Int32>) -> SIMD4<Float> {
    unsafeBitCast(v &+ 0x4B40_0000, to: SIMD4<Float>.self) - 12_582_912
}

/// Converts any Int32 lanes to floats (rounded to nearest): high and low 16 bits separately.
@inline(__always)
func toFloatWide(_ v: SIMD4<Int32>) -> SIMD4<Float> {
    toFloat(v &>> 16) * 65536 + toFloat(v & 0xFFFF)
}

/// The half-precision value stored at `offset` from `p`, as a float (both conversions are exact).
///
/// In the native x86 build, one F16C conversion. Hot loops use ``broadcastHalf(_:_:)`` instead:
/// a scalar conversion inserts the half into a register LLVM may take from a loop's
/// accumulators, which chained every block of a dot product to the previous one, and LLVM folds
/// even this VMOVD form back into such an insert.
@inline(__always)
func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    #if LLAMA_AVX2
    _mm_cvtph_ps(_mm_cvtsi32_si128(Int32(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))[0]
    #else
    halfToFloat(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    #endif
}

/// The float stored at `offset` from `p`.
@inline(__always)
func float(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    p.loadUnaligned(fromByteOffset: offset, as: Float.self)
}

/// For each byte value b, eight bytes where byte k is 0x10 if bit k of b is set: the fifth bit of
/// a 5-bit code in place, as Q5_0 and Q5_1 need it. (Computing this with vector arithmetic
/// compiled to slow byte-by-byte code; a 2 KB table stays in L1.)
let fifthBitBytes: [UInt64] = (0..<256).map { (b: Int) -> UInt64 in
    var bytes: UInt64 = 0
    for k in 0..<8 where b & (1 << k) != 0 { bytes |= 0x10 << UInt64(8 * k) }
    return bytes
}

/// Bit i of `bits` (i = 0..<16) as lane i, set to `0x10` where the bit is 1.
@inline(__always)
func fifthBits(_ bits: UInt16, _ table: UnsafePointer<UInt64>) -> SIMD16<UInt8> {
    unsafeBitCast(SIMD2<UInt64>(table[Int(bits & 0xFF)], table[Int(bits >> 8)]), to: SIMD16<UInt8>.self)
}

/// Bytes ahead of the block being read that a matrix–vector product asks the memory system for.
let prefetchDistance = 2048

/// Asks for the cache lines of the `bytes` bytes at `prefetchDistance` past `p`, one hint per
/// 64-byte line: a product streams its weights once, and at two threads the hardware
/// prefetcher alone kept too few lines in flight to reach the machine's read bandwidth.
@inline(__always)
func prefetchAhead(_ p: UnsafeRawPointer, bytes: Int) {
    var offset = 0
    while offset < bytes {
        llama_prefetch(p + prefetchDistance + offset)
        offset += 64
    }
}
