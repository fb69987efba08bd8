#if LLAMA_AVX2
import _Builtin_intrinsics.intel

extension InterleavedQ4 {
    /// The low and high nibbles of run `j` of the block at `w` (whose runs start `header` bytes
    /// in): for each row's 32-bit lane, its codes `4j..<4j+4` and `16+4j..<16+4j+4`.
    @inline(__always)
    static func codes(_ w: UnsafeRawPointer, _ j: Int, header: Int) -> (low: __m256i, high: __m256i) {
        let run = load256(w, header + 32 * j)
        let mask = _mm256_set1_epi8(0x0F)
        return (_mm256_and_si256(run, mask), _mm256_and_si256(_mm256_srli_epi16(run, 4), mask))
    }

    /// The four activation bytes at `offset` from `a`, repeated in every 32-bit lane.
    @inline(__always)
    static func activationWord(_ a: UnsafeRawPointer, _ offset: Int) -> __m256i {
        _mm256_set1_epi32(a.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }

    /// `p` + run `j`'s codes times the matching activation bytes of the Q8x32 block `x`, pairs
    /// summed into 16-bit lanes. Eight such steps cover a block: a lane then holds at most
    /// 8 × 2 × 15 × 127 = 30480, so 16 bits suffice.
    @inline(__always)
    static func step(_ p: __m256i, _ low: __m256i, _ high: __m256i, _ x: UnsafeRawPointer, _ j: Int) -> __m256i {
        let p = _mm256_add_epi16(p, _mm256_maddubs_epi16(low, activationWord(x, 8 + 4 * j)))
        return _mm256_add_epi16(p, _mm256_maddubs_epi16(high, activationWord(x, 24 + 4 * j)))
    }

    /// `sum` + the eight row dots of the block at `w`: lane r of `p`'s pair sums is Σ code·q over
    /// row r's block, and with s_a = d_a·Σ q the row's terms are d_r·(d_a·Σ code·q − 8·s_a) for
    /// Q4_0, d_r·d_a·Σ code·q + m_r·s_a for Q4_1 (`minimum`).
    @inline(__always)
    static func finish(_ sum: __m256, _ p: __m256i, _ w: UnsafeRawPointer, _ x: UnsafeRawPointer, minimum: Bool) -> __m256 {
        let products = _mm256_cvtepi32_ps(_mm256_madd_epi16(p, _mm256_set1_epi16(1)))
        let d = _mm256_cvtph_ps(w.loadUnaligned(as: SIMD2<Int64>.self))
        if minimum {
            let m = _mm256_cvtph_ps(w.loadUnaligned(fromByteOffset: 16, as: SIMD2<Int64>.self))
            return _mm256_fmadd_ps(_mm256_mul_ps(products, broadcastFloat(x, 0)), d, _mm256_fmadd_ps(m, broadcastFloat(x, 4), sum))
        }
        let scaled = _mm256_fmsub_ps(products, broadcastFloat(x, 0), _mm256_set1_ps(8 * float(x, 4)))
        return _mm256_fmadd_ps(scaled, d, sum)
    }

    /// The dots of group `group`'s eight rows with one activation row, lane r for row r.
    @inline(__always)
    func dots(group: Int, _ activation: UnsafeRawPointer) -> __m256 {
        var sum = _mm256_setzero_ps()
        let base = data + group * groupBytes, blockBytes = blockBytes, header = headerBytes, minimum = hasMinimum
        for b in 0..<blocks {
            let w = base + b * blockBytes, x = activation + b * 40
            prefetchAhead(w, bytes: blockBytes)
            var p = _mm256_setzero_si256()
            for j in 0..<4 {
                let (low, high) = Self.codes(w, j, header: header)
                p = Self.step(p, low, high, x, j)
            }
            sum = Self.finish(sum, p, w, x, minimum: minimum)
        }
        return sum
    }

    /// ``dots(group:_:)`` for four activation rows `stride` bytes apart, each block's codes
    /// unpacked once for all four; the same operations in the same order per row, so each result
    /// equals the single-row one bit for bit.
    @inline(__always)
    func dots4(group: Int, _ activation: UnsafeRawPointer, stride: Int) -> (__m256, __m256, __m256, __m256) {
        var s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0
        let base = data + group * groupBytes, blockBytes = blockBytes, header = headerBytes, minimum = hasMinimum
        for b in 0..<blocks {
            let w = base + b * blockBytes
            let x0 = activation + b * 40, x1 = x0 + stride, x2 = x1 + stride, x3 = x2 + stride
            var p0 = _mm256_setzero_si256(), p1 = p0, p2 = p0, p3 = p0
            for j in 0..<4 {
                let (low, high) = Self.codes(w, j, header: header)
                p0 = Self.step(p0, low, high, x0, j)
                p1 = Self.step(p1, low, high, x1, j)
                p2 = Self.step(p2, low, high, x2, j)
                p3 = Self.step(p3, low, high, x3, j)
            }
            s0 = Self.finish(s0, p0, w, x0, minimum: minimum)
            s1 = Self.finish(s1, p1, w, x1, minimum: minimum)
            s2 = Self.finish(s2, p2, w, x2, minimum: minimum)
            s3 = Self.finish(s3, p3, w, x3, minimum: minimum)
        }
        return (s0, s1, s2, s3)
    }

    /// `y = W x` over the interleaved rows, groups split over `pool`.
    func matvec(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        // Q4_0 and Q4_1 share their activation format (Q8x32).
        let activation = Products.encodeActivation(Q4_0Format.self, x, count: blocks * 32)
        defer { activation.deallocate() }
        let groups = rows / 8
        let step = max(2, Products.rowsPerTask(rows: rows, threads: pool.threadCount) / 8)
        pool.parallelFor((groups + step - 1) / step) { task in
            for g in task * step..<min(groups, task * step + step) {
                _mm256_storeu_ps(y + 8 * g, dots(group: g, activation))
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
        let rowBytes = blocks * 40
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
            while b + 4 <= batchEnd {
                for g in firstGroup..<lastGroup {
                    let (s0, s1, s2, s3) = dots4(group: g, activations + b * rowBytes, stride: rowBytes)
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
                    _mm256_storeu_ps(y + b * rows + 8 * g, dots(group: g, activations + b * rowBytes))
                }
                b += 1
            }
        }
    }
}
#endif
