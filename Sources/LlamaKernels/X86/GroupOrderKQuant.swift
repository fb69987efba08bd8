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

/// A repacked K-quant whose eight 32-weight steps each take two weights of every 16-weight group
/// (group order, as ``Q8xKGrouped`` orders the activation): a step's `maddubs` with its 32
/// activation bytes leaves in each 16-bit lane the pair sum of one group, so the group scales
/// multiply once per block rather than once per step.
///
/// Steps add up in up to four Int16 accumulators (``GroupSums``), which a format assigns its steps
/// to and combines into the block's Int32 products with the group scales (``products(_:_:)``):
/// for instance one for codes as stored and one for codes masked where they lie, exactly 2^k
/// times the codes, shifted back before one multiply-add; or one multiply-add per accumulator
/// where eight steps of pair sums would not fit in one. Each format states why its sums stay
/// within Int16. The float terms are ``KQuantBlock``'s.
protocol GroupOrderKQuant: KQuantBlock {
    /// Step `s`'s 32 unsigned codes in group order, and the accumulator (0..<4) they go to.
    static func step(_ w: UnsafeRawPointer, _ s: Int) -> (codes: __m256i, accumulator: Int)
    /// The block's Int32 products from its accumulated group pair sums.
    static func products(_ sums: GroupSums, _ header: Header) -> __m256i
}

extension GroupOrderKQuant {
    /// The dot of `blocks` weight blocks with one ``Q8xKGrouped`` activation row.
    @inline(__always)
    static func dotKernel(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = _mm256_setzero_ps(), offsets = sum
        for b in 0..<blocks {
            let w = weights + b * blockBytes, a = activation + b * Q8xKGrouped.blockBytes
            prefetchAhead(w, bytes: blockBytes)
            var sums = GroupSums()
            for s in 0..<8 {
                let (codes, k) = step(w, s)
                sums.add(codes, a, s, to: k)
            }
            let header = header(w)
            finishBlock(&sum, &offsets, products(sums, header), w, header, a)
        }
        return finishRow(sum, offsets)
    }

    /// ``dotKernel(_:_:blocks:)`` of one weight row with `rows` activation rows
    /// `activationStride` bytes apart, into `out[0]`, `out[outStride]`, …: four rows at a time
    /// share each step's codes, and each row keeps the single-row operations and order, so the
    /// results equal the single-row dot's bit for bit.
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
                let w = weights + b * blockBytes, x = b * Q8xKGrouped.blockBytes
                var p0 = GroupSums(), p1 = p0, p2 = p0, p3 = p0
                for s in 0..<8 {
                    let (codes, k) = step(w, s)
                    p0.add(codes, a0 + x, s, to: k)
                    p1.add(codes, a1 + x, s, to: k)
                    p2.add(codes, a2 + x, s, to: k)
                    p3.add(codes, a3 + x, s, to: k)
                }
                let header = header(w)
                finishBlock(&s0, &o0, products(p0, header), w, header, a0 + x)
                finishBlock(&s1, &o1, products(p1, header), w, header, a1 + x)
                finishBlock(&s2, &o2, products(p2, header), w, header, a2 + x)
                finishBlock(&s3, &o3, products(p3, header), w, header, a3 + x)
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

extension GroupOrderKQuant where Self: RepackedFormat {
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float {
        dotKernel(weights, activation, blocks: blocks)
    }

    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        dotRowsKernel(weights, activations, activationStride: activationStride, rows: rows, blocks: blocks, out, outStride: outStride)
    }
}

/// Repacks `blocks` blocks of `blockBytes` bytes from `src` into `dst`: each block's eight steps
/// of codes, which `codes` reads from the file's block, are put in group order
/// (``groupOrder(_:_:)``) and handed to `pack` (as step `s`'s 32 bytes) with the file's block and
/// the destination block, which `pack` writes whole.
func repackInGroupOrder(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int, blockBytes: Int,
                        codes: (UnsafeRawPointer, Int) -> __m256i,
                        pack: (_ code: (Int) -> __m256i, _ from: UnsafeRawPointer, _ to: UnsafeMutableRawPointer) -> Void) {
    withUnsafeTemporaryAllocation(byteCount: 512, alignment: 32) { scratch in
        let natural = scratch.baseAddress!, grouped = natural + 256
        for b in 0..<blocks {
            let from = src + b * blockBytes
            for s in 0..<8 { (natural + 32 * s).storeBytes(of: codes(from, s), as: __m256i.self) }
            groupOrder(natural, grouped)
            pack({ load256(grouped, 32 * $0) }, from, dst + b * blockBytes)
        }
    }
}

/// Stores the low nibbles of steps 2i and 2i + 1 of `code` as the low and high nibbles of the
/// 32 bytes at `offset` + 32·i of `to`, for i in 0..<4.
@inline(__always)
func storeNibblePairs(_ code: (Int) -> __m256i, _ to: UnsafeMutableRawPointer, at offset: Int) {
    let nibble = _mm256_set1_epi8(0x0F)
    for i in 0..<4 {
        let pair = _mm256_or_si256(_mm256_and_si256(code(2 * i), nibble), _mm256_slli_epi16(_mm256_and_si256(code(2 * i + 1), nibble), 4))
        to.storeBytes(of: pair, toByteOffset: offset + 32 * i, as: __m256i.self)
    }
}

/// Stores `bits(4h + q)` (each byte at most 3) at bits 2q of the 32 bytes at `offset` + 32·h of
/// `to`, for h in 0..<2.
@inline(__always)
func storeTwoBitQuarters(_ bits: (Int) -> __m256i, _ to: UnsafeMutableRawPointer, at offset: Int) {
    for h in 0..<2 {
        var packed = _mm256_setzero_si256()
        for q in 0..<4 { packed = _mm256_or_si256(packed, _mm256_slli_epi16(bits(4 * h + q), Int32(2 * q))) }
        to.storeBytes(of: packed, toByteOffset: offset + 32 * h, as: __m256i.self)
    }
}

/// A block's group pair sums in four Int16 accumulators (``GroupOrderKQuant``); those a format
/// never adds to stay zero and cost nothing once inlined.
struct GroupSums {
    var first = _mm256_setzero_si256(), second = _mm256_setzero_si256()
    var third = _mm256_setzero_si256(), fourth = _mm256_setzero_si256()

    /// Adds the pair sums of step `s`'s `codes` with the activation block `a` to accumulator `k`.
    @inline(__always)
    mutating func add(_ codes: __m256i, _ a: UnsafeRawPointer, _ s: Int, to k: Int) {
        let pairs = _mm256_maddubs_epi16(codes, load256(a, Q8xK.valuesOffset + 32 * s))
        switch k {
        case 0: first = _mm256_add_epi16(first, pairs)
        case 1: second = _mm256_add_epi16(second, pairs)
        case 2: third = _mm256_add_epi16(third, pairs)
        default: fourth = _mm256_add_epi16(fourth, pairs)
        }
    }
}
#endif
