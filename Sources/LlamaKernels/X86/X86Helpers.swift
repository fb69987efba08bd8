// Native x86 building blocks for the AVX2 trait (AVX2, FMA and F16C), which the AVX512VNNI trait
// extends. Compiled only with `--traits AVX2` (or `AVX512VNNI`) and `-Xswiftc -target-cpu -Xswiftc
// native` on a CPU that has them: without that target the intrinsics do not compile. In Swift the
// C vector types appear as SIMD types: __m256i is SIMD4<Int64>, __m256 is SIMD8<Float>, __m128i
// is SIMD2<Int64>.
#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// Unsigned bytes `u` times signed bytes `s`, summed in fours into eight Int32 lanes.
///
/// With AVX-512 VNNI this is one VPDPBUSD (the 256-bit form is a C macro Swift cannot import, so
/// the 512-bit one runs on zero-extended operands and LLVM narrows it back). With AVX2 alone it is
/// VPMADDUBSW, which sums pairs into saturating Int16 lanes, then VPMADDWD against ones. The pair
/// sums never saturate here: every caller's unsigned operand is at most 128 (codes of at most six
/// bits, or |w| for signed weights) and the activation bytes stay within ±127, so a pair is at
/// most 2 × 128 × 127 = 32512.
@inline(__always)
func dpbusd(_ u: __m256i, _ s: __m256i) -> __m256i {
    #if LLAMA_AVX512_VNNI
    _mm512_castsi512_si256(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_zextsi256_si512(u), _mm512_zextsi256_si512(s)))
    #else
    _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1))
    #endif
}

/// Signed bytes `w` times signed bytes `s`, summed in fours: |w| times s with w's sign moved
/// onto s, since `dpbusd` wants its first operand unsigned (|−128| = 128 still fits a byte).
@inline(__always)
func dpbssd(_ w: __m256i, _ s: __m256i) -> __m256i {
    dpbusd(_mm256_abs_epi8(w), _mm256_sign_epi8(s, w))
}

/// `dpbusd` of unsigned `codes` with the 32 activation bytes at `offset` from `activation`.
///
/// The native kernels use intrinsics for every vector operation: Swift's own SIMD32/SIMD8 operators
/// with a scalar operand compile to per-lane loops here.
@inline(__always)
func dpbusd(_ codes: __m256i, _ activation: UnsafeRawPointer, _ offset: Int) -> __m256i {
    dpbusd(codes, load256(activation, offset))
}

/// `sum` + `products` converted to float and scaled by `scale`, fused.
@inline(__always)
func accumulate(_ sum: __m256, _ products: __m256i, scale: __m256) -> __m256 {
    _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), scale, sum)
}

/// The K-quant block scale at `offset` from `w` (half precision) times the Q8_K activation
/// block's scale, in all lanes.
@inline(__always)
func blockScale(_ w: UnsafeRawPointer, _ offset: Int, _ a: UnsafeRawPointer) -> __m256 {
    _mm256_mul_ps(broadcastHalf(w, offset), broadcastFloat(a, Q8xK.dOffset))
}

/// The half-precision value at `offset` from `p` in all eight lanes, as floats. A broadcast writes
/// the whole register; a scalar conversion (VPINSRW + VCVTPH2PS) merges into a register's old
/// contents, which LLVM picked from a loop's accumulators and so chained every block of the dot
/// to the previous one.
@inline(__always)
func broadcastHalf(_ p: UnsafeRawPointer, _ offset: Int) -> __m256 {
    _mm256_cvtph_ps(_mm_set1_epi16(p.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
}

/// The float at `offset` from `p` in all eight lanes.
@inline(__always)
func broadcastFloat(_ p: UnsafeRawPointer, _ offset: Int) -> __m256 {
    _mm256_set1_ps(p.loadUnaligned(fromByteOffset: offset, as: Float.self))
}

/// `sum` + a 32-element block's integer `products` × the weight scale `d` (in all lanes) × the
/// scale of the Q8x32 activation block `a`.
@inline(__always)
func accumulate(_ sum: __m256, _ products: __m256i, _ d: __m256, activation a: UnsafeRawPointer) -> __m256 {
    _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), _mm256_mul_ps(d, broadcastFloat(a, Q8x32.dOffset)), sum)
}

/// `offsets` + `x` × the Q8x32 activation block's `s` (its scale × the sum of its values), in all
/// lanes: the term of the types whose codes carry an offset or a minimum.
@inline(__always)
func accumulateOffset(_ offsets: __m256, _ x: __m256, activation a: UnsafeRawPointer) -> __m256 {
    _mm256_fmadd_ps(x, broadcastFloat(a, Q8x32.sumOffset), offsets)
}

/// `offsets` + Σ weight[g] × sum[g] over the sixteen 16-element groups of the Q8_K activation
/// block `a` (`weights` sixteen Int16 lanes), times `scale`: the K-quants' minimum or offset term.
/// One VPMADDWD leaves eight partial sums, kept in a vector and summed across once per row: as a
/// scalar total per block it chained every block to the previous one.
@inline(__always)
func accumulateGroupSums(_ offsets: __m256, _ weights: __m256i, _ a: UnsafeRawPointer, scale: __m256) -> __m256 {
    _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(load256(a, Q8xK.sumsOffset), weights)), scale, offsets)
}

/// The eight scales or minimums of a Q4_K/Q5_K block each repeated for the two 16-element groups
/// of its 32-element sub-block, as sixteen Int16 lanes (for ``accumulateGroupSums(_:_:_:scale:)``).
@inline(__always)
func repeatedForGroups(_ values: SixBitValues) -> __m256i {
    let bytes = _mm_cvtsi64_si128(Int64(bitPattern: values.bytes))
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(bytes, bytes))
}

/// Each byte of `v` shifted right by `count` (< 8); `mask` must clear the bits shifted in from
/// the neighbouring byte.
@inline(__always)
func shiftBytesRight(_ v: __m256i, _ count: Int32, mask: __m256i) -> __m256i {
    _mm256_and_si256(_mm256_srli_epi16(v, count), mask)
}

/// 32 bytes at `offset` from `p`.
@inline(__always)
func load256(_ p: UnsafeRawPointer, _ offset: Int) -> __m256i {
    p.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self)
}

/// The sum of the eight lanes (once per row, so plain Swift is fine here).
@inline(__always)
func horizontalSum(_ v: __m256) -> Float {
    ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]))
}

/// The lane sums of four vectors, each added in ``horizontalSum(_:)-(__m256)``'s order (so equal
/// to it bit for bit), in eleven instructions rather than four times as many: halves added, then
/// two rounds of pairwise adds across vectors.
@inline(__always)
func horizontalSums(_ a: __m256, _ b: __m256, _ c: __m256, _ d: __m256) -> SIMD4<Float> {
    func halves(_ v: __m256) -> SIMD4<Float> { v.lowHalf + v.highHalf }
    return _mm_hadd_ps(_mm_hadd_ps(halves(a), halves(b)), _mm_hadd_ps(halves(c), halves(d)))
}
#endif
