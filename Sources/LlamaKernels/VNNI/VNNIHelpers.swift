// Native x86 building blocks for the AVX512VNNI trait. Compiled only with
// `--traits AVX512VNNI -Xswiftc -target-cpu -Xswiftc native` (or another CPU with AVX-512 VNNI):
// without that target the intrinsics do not compile. In Swift the C vector types appear as
// SIMD types: __m256i is SIMD4<Int64>, __m256 is SIMD8<Float>, __m128i is SIMD2<Int64>.
#if LLAMA_AVX512_VNNI
import _Builtin_intrinsics.intel

/// Unsigned bytes `u` times signed bytes `s`, summed in fours into eight Int32 lanes (VPDPBUSD).
/// The 256-bit form is a C macro Swift cannot import, so this uses the 512-bit one on
/// zero-extended operands; LLVM narrows it back.
@inline(__always)
func dpbusd(_ u: __m256i, _ s: __m256i) -> __m256i {
    _mm512_castsi512_si256(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_zextsi256_si512(u), _mm512_zextsi256_si512(s)))
}

/// Signed bytes `w` times signed bytes `s`, summed in fours: |w| times s with w's sign moved
/// onto s, since VPDPBUSD wants its first operand unsigned (|−128| = 128 still fits a byte).
@inline(__always)
func dpbssd(_ w: __m256i, _ s: __m256i) -> __m256i {
    dpbusd(_mm256_abs_epi8(w), _mm256_sign_epi8(s, w))
}

/// VPDPBUSD of unsigned `codes` with the 32 activation bytes at `offset` from `activation`.
///
/// The VNNI kernels use intrinsics for every vector operation: Swift's own SIMD32/SIMD8 operators
/// with a scalar operand compile to per-lane loops here.
@inline(__always)
func dpbusd(_ codes: __m256i, _ activation: UnsafeRawPointer, _ offset: Int) -> __m256i {
    dpbusd(codes, load256(activation, offset))
}

/// `sum` + `products` converted to float and scaled by `scale`, fused.
@inline(__always)
func accumulate(_ sum: __m256, _ products: __m256i, _ scale: Float) -> __m256 {
    _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), _mm256_set1_ps(scale), sum)
}

/// `sum` + `products` × `scale` in Int32 lanes.
@inline(__always)
func accumulate(_ sum: __m256i, _ products: __m256i, _ scale: __m256i) -> __m256i {
    _mm256_add_epi32(sum, _mm256_mullo_epi32(products, scale))
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
#endif
