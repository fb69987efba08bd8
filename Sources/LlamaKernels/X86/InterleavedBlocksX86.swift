#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// What the kernels need to know of one interleaved type, at compile time: each type's products
/// are specialised with its branches resolved, its four runs unrolled and its offsets constant.
protocol InterleavedKind {
    /// The file's block format of the type.
    associatedtype File: BlockFormat
    /// Whether blocks carry a minimum (Q4_1, Q5_1).
    static var minimum: Bool { get }
    /// Whether codes have a fifth bit (Q5_0, Q5_1).
    static var fifth: Bool { get }
}

extension InterleavedKind {
    /// Bytes of one block of eight rows.
    static var blockBytes: Int { InterleavedBlocks.groupRows * File.blockBytes }
    static var runs: Int { InterleavedBlocks.runsOffset(minimum: minimum, fifth: fifth) }
    static var fifthBits: Int { InterleavedBlocks.fifthBitsOffset(minimum: minimum) }
    static var zeroPoint: Float { InterleavedBlocks.zeroPoint(fifth: fifth) }
}

enum InterleavedQ4_0: InterleavedKind {
    typealias File = Q4_0Format
    static var minimum: Bool { false }
    static var fifth: Bool { false }
}

enum InterleavedQ4_1: InterleavedKind {
    typealias File = Q4_1Format
    static var minimum: Bool { true }
    static var fifth: Bool { false }
}

enum InterleavedQ5_0: InterleavedKind {
    typealias File = Q5_0Format
    static var minimum: Bool { false }
    static var fifth: Bool { true }
}

enum InterleavedQ5_1: InterleavedKind {
    typealias File = Q5_1Format
    static var minimum: Bool { true }
    static var fifth: Bool { true }
}

/// Four activation blocks' pointers, or one repeated.
typealias ActivationBlocks = (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)

extension InterleavedBlocks {
    /// The low and high codes of run `j` of the block at `w`: for each row's 32-bit lane, its
    /// codes `4j..<4j+4` and `16+4j..<16+4j+4`, with their fifth bits when the type has them.
    @inline(__always)
    static func codes<K: InterleavedKind>(_: K.Type, _ w: UnsafeRawPointer, _ j: Int) -> (low: __m256i, high: __m256i) {
        let run = load256(w, K.runs &+ 32 &* j)
        let mask = _mm256_set1_epi8(0x0F)
        let low = _mm256_and_si256(run, mask), high = _mm256_and_si256(_mm256_srli_epi16(run, 4), mask)
        guard K.fifth else { return (low, high) }
        let bits = load256(w, K.fifthBits)
        return (_mm256_or_si256(low, bitToFour(bits, 2 * j)), _mm256_or_si256(high, bitToFour(bits, 2 * j + 1)))
    }

    /// Bit `bit` of each byte of `v` moved to bit 4, the other bits cleared. (A 16-bit shift
    /// moves bits across the two bytes of a lane, but never into the bit kept.)
    @inline(__always)
    static func bitToFour(_ v: __m256i, _ bit: Int) -> __m256i {
        let shifted = bit < 4 ? _mm256_slli_epi16(v, Int32(4 - bit)) : bit == 4 ? v : _mm256_srli_epi16(v, Int32(bit - 4))
        return _mm256_and_si256(shifted, _mm256_set1_epi8(0x10))
    }

    /// The four activation bytes at `offset` from `a`, repeated in every 32-bit lane.
    @inline(__always)
    static func activationWord(_ a: UnsafeRawPointer, _ offset: Int) -> __m256i {
        _mm256_set1_epi32(a.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }

    /// `p` + run `j`'s codes times the matching activation bytes of the Q8x32 block `x`, pairs
    /// summed into 16-bit lanes: at most 2 × 2 × 31 × 127 = 15748 per run.
    @inline(__always)
    static func step(_ p: __m256i, _ low: __m256i, _ high: __m256i, _ x: UnsafeRawPointer, _ j: Int) -> __m256i {
        let p = _mm256_add_epi16(p, _mm256_maddubs_epi16(low, activationWord(x, Q8x32.valuesOffset &+ 4 &* j)))
        return _mm256_add_epi16(p, _mm256_maddubs_epi16(high, activationWord(x, Q8x32.valuesOffset &+ 16 &+ 4 &* j)))
    }

    /// Run `j` of the block at `w` against the `count` (1 or 4) activation blocks `x`, into the
    /// 16-bit partial sums `p`, the codes unpacked once for all.
    @inline(__always)
    static func run<K: InterleavedKind>(_ kind: K.Type, _ p: inout (__m256i, __m256i, __m256i, __m256i), _ w: UnsafeRawPointer,
                                        _ x: ActivationBlocks, count: Int, _ j: Int) {
        let (low, high) = codes(kind, w, j)
        p.0 = step(p.0, low, high, x.0, j)
        if count == 4 {
            p.1 = step(p.1, low, high, x.1, j)
            p.2 = step(p.2, low, high, x.2, j)
            p.3 = step(p.3, low, high, x.3, j)
        }
    }

    /// `wide` + the 16-bit partial sums `p` widened to 32 bits, lane pairs added.
    @inline(__always)
    static func widen(_ wide: inout (__m256i, __m256i, __m256i, __m256i), _ p: (__m256i, __m256i, __m256i, __m256i), count: Int) {
        let ones = _mm256_set1_epi16(1)
        wide.0 = _mm256_add_epi32(wide.0, _mm256_madd_epi16(p.0, ones))
        if count == 4 {
            wide.1 = _mm256_add_epi32(wide.1, _mm256_madd_epi16(p.1, ones))
            wide.2 = _mm256_add_epi32(wide.2, _mm256_madd_epi16(p.2, ones))
            wide.3 = _mm256_add_epi32(wide.3, _mm256_madd_epi16(p.3, ones))
        }
    }

    /// Lane r: Σ code·q over row r's block at `w`, for each of the `count` activation blocks
    /// `x[i]` (1 or 4), each block's codes unpacked once for all. Four-bit codes stay in 16-bit
    /// lanes through the block (at most 8 × 2 × 15 × 127 = 30480); five-bit ones are widened to
    /// 32 bits after every two runs (at most 31496 by then).
    @inline(__always)
    static func products<K: InterleavedKind>(_ kind: K.Type, _ w: UnsafeRawPointer, _ x: ActivationBlocks, count: Int)
        -> (__m256i, __m256i, __m256i, __m256i) {
        let zero = _mm256_setzero_si256()
        var wide = (zero, zero, zero, zero)
        var p = (zero, zero, zero, zero)
        run(kind, &p, w, x, count: count, 0)
        run(kind, &p, w, x, count: count, 1)
        if K.fifth {
            widen(&wide, p, count: count)
            p = (zero, zero, zero, zero)
        }
        run(kind, &p, w, x, count: count, 2)
        run(kind, &p, w, x, count: count, 3)
        widen(&wide, p, count: count)
        return wide
    }

    /// ``products(_:_:_:count:)`` for eight activation blocks, `x` and `y`, the codes unpacked
    /// once for all eight.
    @inline(__always)
    static func products8<K: InterleavedKind>(_ kind: K.Type, _ w: UnsafeRawPointer, _ x: ActivationBlocks, _ y: ActivationBlocks)
        -> (low: (__m256i, __m256i, __m256i, __m256i), high: (__m256i, __m256i, __m256i, __m256i)) {
        let zero = _mm256_setzero_si256()
        var wideX = (zero, zero, zero, zero), wideY = wideX
        var p = wideX, q = wideX
        @inline(__always)
        func run8(_ j: Int) {
            let (low, high) = codes(kind, w, j)
            p.0 = step(p.0, low, high, x.0, j)
            p.1 = step(p.1, low, high, x.1, j)
            p.2 = step(p.2, low, high, x.2, j)
            p.3 = step(p.3, low, high, x.3, j)
            q.0 = step(q.0, low, high, y.0, j)
            q.1 = step(q.1, low, high, y.1, j)
            q.2 = step(q.2, low, high, y.2, j)
            q.3 = step(q.3, low, high, y.3, j)
        }
        run8(0)
        run8(1)
        if K.fifth {
            widen(&wideX, p, count: 4)
            widen(&wideY, q, count: 4)
            p = (zero, zero, zero, zero)
            q = p
        }
        run8(2)
        run8(3)
        widen(&wideX, p, count: 4)
        widen(&wideY, q, count: 4)
        return (wideX, wideY)
    }

    /// The eight rows' scales of the block at `w`, and their minimums for the types with one.
    @inline(__always)
    static func scales<K: InterleavedKind>(_: K.Type, _ w: UnsafeRawPointer) -> (d: __m256, m: __m256) {
        let d = _mm256_cvtph_ps(w.loadUnaligned(as: SIMD2<Int64>.self))
        guard K.minimum else { return (d, _mm256_setzero_ps()) }
        return (d, _mm256_cvtph_ps(w.loadUnaligned(fromByteOffset: InterleavedBlocks.minimumsOffset, as: SIMD2<Int64>.self)))
    }

    /// `sum` + the eight row dots of a block with scales `s` from their integer `products`: with
    /// s_a = d_a·Σ q, row r's term is d_r·(d_a·Σ code·q − zero point·s_a), or with a minimum
    /// d_r·d_a·Σ code·q + m_r·s_a.
    @inline(__always)
    static func finish<K: InterleavedKind>(_: K.Type, _ sum: __m256, _ products: __m256i, _ s: (d: __m256, m: __m256),
                                           _ x: UnsafeRawPointer) -> __m256 {
        let products = _mm256_cvtepi32_ps(products)
        if K.minimum {
            return _mm256_fmadd_ps(_mm256_mul_ps(products, broadcastFloat(x, Q8x32.dOffset)), s.d,
                                   _mm256_fmadd_ps(s.m, broadcastFloat(x, Q8x32.sumOffset), sum))
        }
        let scaled = _mm256_fmsub_ps(products, broadcastFloat(x, Q8x32.dOffset), _mm256_set1_ps(K.zeroPoint * float(x, Q8x32.sumOffset)))
        return _mm256_fmadd_ps(scaled, s.d, sum)
    }

    /// The dots of group `group`'s eight rows with one activation row, lane r for row r.
    @inline(__always)
    func dots<K: InterleavedKind>(_ kind: K.Type, group: Int, _ activation: UnsafeRawPointer) -> __m256 {
        var sum = _mm256_setzero_ps()
        let base = data + group &* blocks &* K.blockBytes
        for b in 0..<blocks {
            let w = base + b &* K.blockBytes, x = activation + b &* Q8x32.blockBytes
            prefetchAhead(w, bytes: K.blockBytes)
            let p = Self.products(kind, w, (x, x, x, x), count: 1)
            sum = Self.finish(kind, sum, p.0, Self.scales(kind, w), x)
        }
        return sum
    }

    /// ``dots(_:group:_:)`` for four activation rows `stride` bytes apart, each block's codes and
    /// scales unpacked once for all four; the same operations in the same order per row, so each
    /// result equals the single-row one bit for bit.
    @inline(__always)
    func dots4<K: InterleavedKind>(_ kind: K.Type, group: Int, _ activation: UnsafeRawPointer, stride: Int)
        -> (__m256, __m256, __m256, __m256) {
        var s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0
        let base = data + group &* blocks &* K.blockBytes
        for b in 0..<blocks {
            let w = base + b &* K.blockBytes
            prefetchAhead(w, bytes: K.blockBytes)
            let x0 = activation + b &* Q8x32.blockBytes, x1 = x0 + stride, x2 = x1 + stride, x3 = x2 + stride
            let p = Self.products(kind, w, (x0, x1, x2, x3), count: 4)
            let s = Self.scales(kind, w)
            s0 = Self.finish(kind, s0, p.0, s, x0)
            s1 = Self.finish(kind, s1, p.1, s, x1)
            s2 = Self.finish(kind, s2, p.2, s, x2)
            s3 = Self.finish(kind, s3, p.3, s, x3)
        }
        return (s0, s1, s2, s3)
    }

    /// ``dots(_:group:_:)`` for eight activation rows `stride` bytes apart, each block's codes and
    /// scales unpacked once for all eight; each result equals the single-row one bit for bit.
    @inline(__always)
    func dots8<K: InterleavedKind>(_ kind: K.Type, group: Int, _ activation: UnsafeRawPointer, stride: Int, into out: UnsafeMutablePointer<Float>,
                                   outStride: Int) {
        let zero = _mm256_setzero_ps()
        var sx = (zero, zero, zero, zero), sy = sx
        let base = data + group &* blocks &* K.blockBytes
        for b in 0..<blocks {
            let w = base + b &* K.blockBytes
            prefetchAhead(w, bytes: K.blockBytes)
            let x0 = activation + b &* Q8x32.blockBytes
            let x: ActivationBlocks = (x0, x0 + stride, x0 + 2 &* stride, x0 + 3 &* stride)
            let y: ActivationBlocks = (x0 + 4 &* stride, x0 + 5 &* stride, x0 + 6 &* stride, x0 + 7 &* stride)
            let (p, q) = Self.products8(kind, w, x, y)
            let s = Self.scales(kind, w)
            sx.0 = Self.finish(kind, sx.0, p.0, s, x.0)
            sx.1 = Self.finish(kind, sx.1, p.1, s, x.1)
            sx.2 = Self.finish(kind, sx.2, p.2, s, x.2)
            sx.3 = Self.finish(kind, sx.3, p.3, s, x.3)
            sy.0 = Self.finish(kind, sy.0, q.0, s, y.0)
            sy.1 = Self.finish(kind, sy.1, q.1, s, y.1)
            sy.2 = Self.finish(kind, sy.2, q.2, s, y.2)
            sy.3 = Self.finish(kind, sy.3, q.3, s, y.3)
        }
        _mm256_storeu_ps(out, sx.0)
        _mm256_storeu_ps(out + outStride, sx.1)
        _mm256_storeu_ps(out + 2 &* outStride, sx.2)
        _mm256_storeu_ps(out + 3 &* outStride, sx.3)
        _mm256_storeu_ps(out + 4 &* outStride, sy.0)
        _mm256_storeu_ps(out + 5 &* outStride, sy.1)
        _mm256_storeu_ps(out + 6 &* outStride, sy.2)
        _mm256_storeu_ps(out + 7 &* outStride, sy.3)
    }

    /// `y = W x` over the interleaved rows, groups split over `pool`.
    func matvec(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        switch type {
        case .q4_0: matvec(InterleavedQ4_0.self, x, y, pool: pool)
        case .q4_1: matvec(InterleavedQ4_1.self, x, y, pool: pool)
        case .q5_0: matvec(InterleavedQ5_0.self, x, y, pool: pool)
        default: matvec(InterleavedQ5_1.self, x, y, pool: pool)
        }
    }

    private func matvec<K: InterleavedKind>(_ kind: K.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        // Every interleaved type takes Q4_0's activation format (Q8x32).
        let activation = Products.encodeActivation(Q4_0Format.self, x, count: blocks * 32)
        defer { activation.deallocate() }
        let groups = rows / 8
        let step = max(2, Products.rowsPerTask(rows: rows, columns: blocks * 32, threads: pool.threadCount) / 8)
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                _mm256_storeu_ps(y + 8 * g, dots(kind, group: g, activation))
            }
        }
    }

    /// Groups of eight rows per matmul task: at 4096 columns about 74 KB of weights, which stay
    /// in L2 while a batch tile's activations pass over them.
    static let groupsPerTile = 4

    /// Row `b` of `y` (`rows` floats) = W times row `b` of `x`, for `b < batch`. Tasks are
    /// (tile of weight groups, tile of activation rows); inside, eight activation rows at a time,
    /// then four, then one.
    func matmul(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        switch type {
        case .q4_0: matmul(InterleavedQ4_0.self, x, batch: batch, y, pool: pool)
        case .q4_1: matmul(InterleavedQ4_1.self, x, batch: batch, y, pool: pool)
        case .q5_0: matmul(InterleavedQ5_0.self, x, batch: batch, y, pool: pool)
        default: matmul(InterleavedQ5_1.self, x, batch: batch, y, pool: pool)
        }
    }

    private func matmul<K: InterleavedKind>(_ kind: K.Type, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>,
                                            pool: ThreadPool) {
        guard batch > 0 else { return }
        let rowBytes = blocks * Q8x32.blockBytes
        let activations = Products.encodeActivations(Q4_0Format.self, x, batch: batch, columns: blocks * 32, pool: pool)
        defer { activations.deallocate() }
        let groups = rows / 8, rows = rows
        let groupTiles = (groups + Self.groupsPerTile - 1) / Self.groupsPerTile
        let batchTiles = (batch + Products.batchTile - 1) / Products.batchTile
        pool.parallelFor(groupTiles * batchTiles) { task in
            let firstGroup = (task / batchTiles) * Self.groupsPerTile
            let lastGroup = min(groups, firstGroup + Self.groupsPerTile)
            let batchStart = (task % batchTiles) * Products.batchTile
            let batchEnd = min(batch, batchStart + Products.batchTile)
            var b = batchStart
            while b + 8 <= batchEnd {
                for g in firstGroup..<lastGroup {
                    dots8(kind, group: g, activations + b * rowBytes, stride: rowBytes, into: y + b * rows + 8 * g, outStride: rows)
                }
                b += 8
            }
            while b + 4 <= batchEnd {
                for g in firstGroup..<lastGroup {
                    let (s0, s1, s2, s3) = dots4(kind, group: g, activations + b * rowBytes, stride: rowBytes)
                    let out = y + b * rows + 8 * g
                    _mm256_storeu_ps(out, s0)
                    _mm256_storeu_ps(out + rows, s1)
                    _mm256_storeu_ps(out + 2 * rows, s2)
                    _mm256_storeu_ps(out + 3 * rows, s3)
                }
                b += 4
            }
            while b < batchEnd {
                for g in firstGroup..<lastGroup {
                    _mm256_storeu_ps(y + b * rows + 8 * g, dots(kind, group: g, activations + b * rowBytes))
                }
                b += 1
            }
        }
    }
}
#endif
