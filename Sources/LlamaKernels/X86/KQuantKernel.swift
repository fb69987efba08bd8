#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// What the native K-quant kernels share: a block's scales and its float terms. A block's
/// integer products are scaled by ``productScale(_:_:)``, less ``offsetFactor`` × the Q8_K
/// group sums weighted by ``groupWeights(_:)`` and scaled by ``offsetScale(_:_:)``: the
/// minimums of the types that have them, or the fixed offset of the codes' zero point.
protocol KQuantBlock {
    /// What the steps of one block share: its unpacked scales.
    associatedtype Header
    /// Bytes of one block.
    static var blockBytes: Int { get }
    /// The multiple of the weighted group sums subtracted from the products.
    static var offsetFactor: Float { get }
    /// The block at `w`'s shared unpacking.
    static func header(_ w: UnsafeRawPointer) -> Header
    /// The sixteen Int16 weights of the Q8_K group sums in the block's offset term.
    static func groupWeights(_ header: Header) -> __m256i
    /// The scale of the block's integer products, with the activation block `a`'s, in all lanes.
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256
    /// The scale of the block's offset term, with the activation block `a`'s, in all lanes.
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256
}

extension KQuantBlock {
    /// Adds one block's Int32 `products` and offset term, for the activation block `a`.
    @inline(__always)
    static func finishBlock(_ sum: inout __m256, _ offsets: inout __m256, _ products: __m256i,
                            _ w: UnsafeRawPointer, _ header: Header, _ a: UnsafeRawPointer) {
        sum = accumulate(sum, products, scale: productScale(w, a))
        offsets = accumulateGroupSums(offsets, groupWeights(header), a, scale: offsetScale(w, a))
    }

    /// A row's dot from its accumulated products and offset terms.
    @inline(__always)
    static func finishRow(_ sum: __m256, _ offsets: __m256) -> Float {
        horizontalSum(_mm256_fnmadd_ps(offsets, _mm256_set1_ps(offsetFactor), sum))
    }
}

/// A K-quant's native dot with a Q8_K activation in the file's block layout, described one
/// 256-weight block at a time, so that one loop serves a single activation row (matvec) and four
/// (matmul), the four sharing each block's unpacking.
///
/// A block is eight steps of 32 weights: step s's codes (unsigned, at most 128 for `dpbusd`)
/// meet activation bytes 32s..<32s+32, weighted by their sub-block scales in integer lanes; the
/// float terms are ``KQuantBlock``'s.
protocol KQuantKernel: KQuantBlock {
    /// Step `s`'s 32 codes and their lane scales (``GroupScales/lanes(_:)`` or ``laneScales(_:_:)``).
    static func step(_ w: UnsafeRawPointer, _ header: Header, _ s: Int) -> (codes: __m256i, scales: __m256i)
}

extension KQuantKernel {
    /// The dot of `blocks` weight blocks with one Q8_K activation row.
    @inline(__always)
    static func dotKernel(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps(), offsets = sum
        for b in 0..<blocks {
            let w = weights + b * blockBytes, a = activation + b * Q8xK.blockBytes
            prefetchAhead(w, bytes: blockBytes)
            let header = header(w)
            var products = _mm256_setzero_si256()
            for s in 0..<8 {
                let (codes, scales) = step(w, header, s)
                products = accumulate(products, codes, load256(a, Q8xK.valuesOffset + 32 * s), scales: scales)
            }
            finishBlock(&sum, &offsets, products, w, header, a)
        }
        return finishRow(sum, offsets)
    }

    /// ``dotKernel(_:_:blocks:)`` of one weight row with `rows` activation rows
    /// `activationStride` bytes apart, into `out[0]`, `out[outStride]`, …: four rows at a time
    /// share each step's codes and scales, and each row keeps the single-row operations and
    /// order, so the results equal the single-row dot's bit for bit (the integer products are
    /// exact in any order).
    @inline(__always)
    static func dotRowsKernel(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int,
                              rows: Int, blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        var i = 0
        while i + 4 <= rows {
            let a0 = activations + i * activationStride, a1 = a0 + activationStride
            let a2 = a1 + activationStride, a3 = a2 + activationStride
            var s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0
            var o0 = s0, o1 = s0, o2 = s0, o3 = s0
            for b in 0..<blocks {
                let w = weights + b * blockBytes, x = b * Q8xK.blockBytes
                let header = header(w)
                var p0 = _mm256_setzero_si256(), p1 = p0, p2 = p0, p3 = p0
                for s in 0..<8 {
                    let (codes, scales) = step(w, header, s)
                    let offset = x + Q8xK.valuesOffset + 32 * s
                    p0 = accumulate(p0, codes, load256(a0, offset), scales: scales)
                    p1 = accumulate(p1, codes, load256(a1, offset), scales: scales)
                    p2 = accumulate(p2, codes, load256(a2, offset), scales: scales)
                    p3 = accumulate(p3, codes, load256(a3, offset), scales: scales)
                }
                finishBlock(&s0, &o0, p0, w, header, a0 + x)
                finishBlock(&s1, &o1, p1, w, header, a1 + x)
                finishBlock(&s2, &o2, p2, w, header, a2 + x)
                finishBlock(&s3, &o3, p3, w, header, a3 + x)
            }
            let o = out + i * outStride
            o[0] = finishRow(s0, o0)
            o[outStride] = finishRow(s1, o1)
            o[2 * outStride] = finishRow(s2, o2)
            o[3 * outStride] = finishRow(s3, o3)
            i += 4
        }
        while i < rows {
            out[i * outStride] = dotKernel(weights, activations + i * activationStride, blocks: blocks)
            i += 1
        }
    }
}

/// The sub-block scales and minimums of a Q4_K/Q5_K block, unpacked once per block.
struct ScaleMinHeader {
    /// The eight sub-block scales, widened for ``laneScales(_:_:)``.
    let scales: __m256i
    let minimums: SixBitValues
}

/// The K-quants whose blocks start with a half-precision scale, a half-precision minimum scale
/// and twelve bytes of six-bit sub-block scales and minimums (Q4_K, Q5_K): all but their codes
/// (``KQuantKernel/step(_:_:_:)``) is common.
protocol ScaleMinKQuant: KQuantKernel where Header == ScaleMinHeader {}

extension ScaleMinKQuant {
    static var offsetFactor: Float { 1 }

    @inline(__always)
    static func header(_ w: UnsafeRawPointer) -> ScaleMinHeader {
        let (scales, minimums) = unpackScaleMins(w + 4)
        return ScaleMinHeader(scales: subBlockScales(scales.bytes), minimums: minimums)
    }

    @inline(__always)
    static func groupWeights(_ header: ScaleMinHeader) -> __m256i { repeatedForGroups(header.minimums) }

    @inline(__always)
    static func productScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 0, a) }

    @inline(__always)
    static func offsetScale(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> __m256 { blockScale(w, 2, a) }
}
#endif
