#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension InterleavedBlocks {
    /// What the kernels need to know of the layout, read once per product.
    struct Layout {
        let blockBytes: Int, runs: Int, fifthBits: Int, minimum: Bool, fifth: Bool, zeroPoint: Float
    }

    var layout: Layout {
        Layout(blockBytes: blockBytes, runs: runsOffset, fifthBits: fifthBitsOffset, minimum: hasMinimum,
               fifth: hasFifthBit, zeroPoint: zeroPoint)
    }

    /// The low and high codes of run `j` of the block at `w`: for each row's 32-bit lane, its
    /// codes `4j..<4j+4` and `16+4j..<16+4j+4`, with their fifth bits when the type has them.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ j: Int, _ layout: Layout) -> (low: __m256i, high: __m256i) {
        let run = load256(w, layout.runs + 32 * j)
        let mask = _mm256_set1_epi8(0x0F)
        let low = _mm256_and_si256(run, mask), high = _mm256_and_si256(_mm256_srli_epi16(run, 4), mask)
        guard layout.fifth else { return (low, high) }
        let bits = load256(w, layout.fifthBits)
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
        let p = _mm256_add_epi16(p, _mm256_maddubs_epi16(low, activationWord(x, Q8x32.valuesOffset + 4 * j)))
        return _mm256_add_epi16(p, _mm256_maddubs_epi16(high, activationWord(x, Q8x32.valuesOffset + 16 + 4 * j)))
    }

    /// Lane r: Σ code·q over row r's block at `w`, for each of the `count` activation blocks
    /// `x[i]` (1 or 4), each block's codes unpacked once for all. Four-bit codes stay in 16-bit
    /// lanes through the block (at most 8 × 2 × 15 × 127 = 30480); five-bit ones are widened to
    /// 32 bits after every two runs (at most 31496 by then).
    @inline(__always)
    static func products(_ w: UnsafeRawPointer, _ x: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer),
                         count: Int, _ layout: Layout) -> (__m256i, __m256i, __m256i, __m256i) {
        let ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256()
        var wide = (zero, zero, zero, zero)
        var p = (zero, zero, zero, zero)
        for j in 0..<4 {
            let (low, high) = codes(w, j, layout)
            p.0 = step(p.0, low, high, x.0, j)
            if count == 4 {
                p.1 = step(p.1, low, high, x.1, j)
                p.2 = step(p.2, low, high, x.2, j)
                p.3 = step(p.3, low, high, x.3, j)
            }
            if j == 3 || (layout.fifth && j == 1) {
                wide = (_mm256_add_epi32(wide.0, _mm256_madd_epi16(p.0, ones)), _mm256_add_epi32(wide.1, _mm256_madd_epi16(p.1, ones)),
                        _mm256_add_epi32(wide.2, _mm256_madd_epi16(p.2, ones)), _mm256_add_epi32(wide.3, _mm256_madd_epi16(p.3, ones)))
                p = (zero, zero, zero, zero)
            }
        }
        return wide
    }

    /// `sum` + the eight row dots of the block at `w` from their integer `products`: with
    /// s_a = d_a·Σ q, row r's term is d_r·(d_a·Σ code·q − zero point·s_a), or with a minimum
    /// d_r·d_a·Σ code·q + m_r·s_a.
    @inline(__always)
    static func finish(_ sum: __m256, _ products: __m256i, _ w: UnsafeRawPointer, _ x: UnsafeRawPointer, _ layout: Layout) -> __m256 {
        let products = _mm256_cvtepi32_ps(products)
        let d = _mm256_cvtph_ps(w.loadUnaligned(as: SIMD2<Int64>.self))
        if layout.minimum {
            let m = _mm256_cvtph_ps(w.loadUnaligned(fromByteOffset: InterleavedBlocks.minimumsOffset, as: SIMD2<Int64>.self))
            return _mm256_fmadd_ps(_mm256_mul_ps(products, broadcastFloat(x, Q8x32.dOffset)), d, _mm256_fmadd_ps(m, broadcastFloat(x, Q8x32.sumOffset), sum))
        }
        let scaled = _mm256_fmsub_ps(products, broadcastFloat(x, Q8x32.dOffset), _mm256_set1_ps(layout.zeroPoint * float(x, Q8x32.sumOffset)))
        return _mm256_fmadd_ps(scaled, d, sum)
    }

    /// The dots of group `group`'s eight rows with one activation row, lane r for row r.
    @inline(__always)
    func dots(group: Int, _ activation: UnsafeRawPointer, _ layout: Layout) -> __m256 {
        var sum = _mm256_setzero_ps()
        let base = data + group * groupBytes
        for b in 0..<blocks {
            let w = base + b * layout.blockBytes, x = activation + b * Q8x32.blockBytes
            prefetchAhead(w, bytes: layout.blockBytes)
            let p = Self.products(w, (x, x, x, x), count: 1, layout)
            sum = Self.finish(sum, p.0, w, x, layout)
        }
        return sum
    }

    /// ``dots(group:_:_:)`` for four activation rows `stride` bytes apart, each block's codes
    /// unpacked once for all four; the same operations in the same order per row, so each result
    /// equals the single-row one bit for bit.
    @inline(__always)
    func dots4(group: Int, _ activation: UnsafeRawPointer, stride: Int, _ layout: Layout) -> (__m256, __m256, __m256, __m256) {
        var s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0
        let base = data + group * groupBytes
        for b in 0..<blocks {
            let w = base + b * layout.blockBytes
            let x0 = activation + b * Q8x32.blockBytes, x1 = x0 + stride, x2 = x1 + stride, x3 = x2 + stride
            let p = Self.products(w, (x0, x1, x2, x3), count: 4, layout)
            s0 = Self.finish(s0, p.0, w, x0, layout)
            s1 = Self.finish(s1, p.1, w, x1, layout)
            s2 = Self.finish(s2, p.2, w, x2, layout)
            s3 = Self.finish(s3, p.3, w, x3, layout)
        }
        return (s0, s1, s2, s3)
    }

    /// `y = W x` over the interleaved rows, groups split over `pool`.
    func matvec(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        // Every interleaved type takes Q4_0's activation format (Q8x32).
        let activation = Products.encodeActivation(Q4_0Format.self, x, count: blocks * 32)
        defer { activation.deallocate() }
        let groups = rows / 8, layout = layout
        let step = max(2, Products.rowsPerTask(rows: rows, threads: pool.threadCount) / 8)
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                _mm256_storeu_ps(y + 8 * g, dots(group: g, activation, layout))
            }
        }
    }

    /// Groups of eight rows per matmul task: at 4096 columns about 74 KB of weights, which stay
    /// in L2 while a batch tile's activations pass over them.
    static let groupsPerTile = 4

    /// Row `b` of `y` (`rows` floats) = W times row `b` of `x`, for `b < batch`. Tasks are
    /// (tile of weight groups, tile of activation rows); inside, four activation rows at a time.
    func matmul(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        guard batch > 0 else { return }
        let rowBytes = blocks * Q8x32.blockBytes
        let activations = Products.encodeActivations(Q4_0Format.self, x, batch: batch, columns: blocks * 32, pool: pool)
        defer { activations.deallocate() }
        let groups = rows / 8, rows = rows, layout = layout
        let groupTiles = (groups + Self.groupsPerTile - 1) / Self.groupsPerTile
        let batchTiles = (batch + Products.batchTile - 1) / Products.batchTile
        pool.parallelFor(groupTiles * batchTiles) { task in
            let firstGroup = (task / batchTiles) * Self.groupsPerTile
            let lastGroup = min(groups, firstGroup + Self.groupsPerTile)
            let batchStart = (task % batchTiles) * Products.batchTile
            let batchEnd = min(batch, batchStart + Products.batchTile)
            var b = batchStart
            while b + 4 <= batchEnd {
                for g in firstGroup..<lastGroup {
                    let (s0, s1, s2, s3) = dots4(group: g, activations + b * rowBytes, stride: rowBytes, layout)
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
                    _mm256_storeu_ps(y + b * rows + 8 * g, dots(group: g, activations + b * rowBytes, layout))
                }
                b += 1
            }
        }
    }
}
#endif
