/// Causal grouped-query attention of a batch of queries over one layer's cached keys and values.
///
/// Query row `b` of the batch sits at position `start + b` and attends to positions
/// `0...start + b`; query head `h` reads key/value head `h / group`, where
/// `group = headCount / keyValueHeadCount`. Scores are scaled by 1/√headDimension.
///
/// Two shapes of the same computation. When a key/value head serves at least eight query rows
/// (a prompt batch, or a wide group) and heads are a multiple of eight wide, eight query rows
/// share each vector lane-wise: a key or value element is broadcast once and multiplied into all
/// eight, and the softmax runs down the lanes, so no vector is ever summed across. Otherwise (one
/// token, a narrow group) each row's scores are dot products over the head's width.
struct Attention {
    let headCount: Int
    let keyValueHeadCount: Int
    let headDimension: Int

    /// Query heads per key/value head.
    var group: Int { headCount / keyValueHeadCount }

    /// Writes the attention of query rows `0..<n` (`queries`, `headCount × headDimension` floats
    /// per row) into the rows of `out` (same shape). `keys` and `values` point at position 0 of
    /// the layer's cache, `keyValueHeadCount × headDimension` floats per position. `scores` has
    /// room for `headCount × scoreStride` floats, `scoreStride` at least `start + n`.
    func callAsFunction(
        queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        start: Int, count n: Int, into out: UnsafeMutablePointer<Float>,
        scores: UnsafeMutablePointer<Float>, scoreStride: Int, backend: any Backend
    ) {
        let lanes = 8
        if n * group >= lanes && headDimension % lanes == 0 {
            let rows = n * group
            let blocks = (rows + lanes - 1) / lanes
            backend.parallelFor(keyValueHeadCount * blocks) { task in
                // The last rows see the most positions: hand them out first.
                let block = blocks - 1 - task / keyValueHeadCount
                attendLanes(
                    keyValueHead: task % keyValueHeadCount, firstRow: block * lanes, rows: rows,
                    queries: queries, keys: keys, values: values, start: start, into: out)
            }
        } else {
            backend.parallelFor(headCount) { head in
                attendRows(
                    head: head, queries: queries, keys: keys, values: values, start: start, count: n,
                    into: out, scores: scores + head * scoreStride)
            }
        }
    }

    /// One query head for every row of the batch, one row at a time.
    private func attendRows(
        head: Int, queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        start: Int, count n: Int, into out: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>
    ) {
        let hd = headDimension, dim = headCount * hd, kvDim = keyValueHeadCount * hd
        let scale = 1 / Float(hd).squareRoot()
        let kvOffset = (head / group) * hd
        for b in 0..<n {
            let query = queries + b * dim + head * hd
            let length = start + b + 1
            for t in 0..<length {
                scores[t] = VectorMath.dot(query, keys + t * kvDim + kvOffset, count: hd) * scale
            }
            VectorMath.softmax(scores, count: length)
            let row = out + b * dim + head * hd
            row.update(repeating: 0, count: hd)
            for t in 0..<length {
                VectorMath.addScaled(row, scores[t], values + t * kvDim + kvOffset, count: hd)
            }
        }
    }

    /// Eight of the query rows that read `keyValueHead`, lane `j` holding row `firstRow + j` of
    /// the `rows = n × group` such rows (batch row `r / group`, query head
    /// `keyValueHead × group + r % group`). Lanes past the last row repeat it and are not written.
    private func attendLanes(
        keyValueHead: Int, firstRow: Int, rows: Int,
        queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        start: Int, into out: UnsafeMutablePointer<Float>
    ) {
        let hd = headDimension, dim = headCount * hd, kvDim = keyValueHeadCount * hd, group = group
        let scale = 1 / Float(hd).squareRoot()
        let used = min(8, rows - firstRow)
        // Where lane j's query comes from and its result goes, and the last position it sees.
        func offset(_ j: Int) -> Int {
            let r = firstRow + min(j, used - 1)
            return (r / group) * dim + (keyValueHead * group + r % group) * hd
        }
        var last = SIMD8<Int32>()
        for j in 0..<8 { last[j] = Int32(start + (firstRow + min(j, used - 1)) / group) }
        // Every lane sees positions 0...shortest; lanes differ only after it.
        let shortest = start + firstRow / group
        let length = start + (firstRow + used - 1) / group + 1
        let keys = keys + keyValueHead * hd, values = values + keyValueHead * hd

        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: hd + length) { buffer in
            // The eight queries, transposed and scaled: q[d] holds dimension d of every lane.
            let q = buffer.baseAddress!, s = q + hd
            for j in 0..<8 {
                let query = queries + offset(j)
                for d in 0..<hd { q[d][j] = query[d] * scale }
            }

            // Scores, four positions at a time so that four sums advance independently.
            var t = 0
            while t + 4 <= length {
                let k0 = keys + t * kvDim, k1 = k0 + kvDim, k2 = k1 + kvDim, k3 = k2 + kvDim
                var s0 = SIMD8<Float>(), s1 = s0, s2 = s0, s3 = s0
                for d in 0..<hd {
                    let qd = q[d]
                    s0 = VectorMath.multiplyAdd(qd, VectorMath.splat(k0[d]), s0)
                    s1 = VectorMath.multiplyAdd(qd, VectorMath.splat(k1[d]), s1)
                    s2 = VectorMath.multiplyAdd(qd, VectorMath.splat(k2[d]), s2)
                    s3 = VectorMath.multiplyAdd(qd, VectorMath.splat(k3[d]), s3)
                }
                s[t] = s0
                s[t + 1] = s1
                s[t + 2] = s2
                s[t + 3] = s3
                t += 4
            }
            while t < length {
                let k = keys + t * kvDim
                var sum = SIMD8<Float>()
                for d in 0..<hd { sum = VectorMath.multiplyAdd(q[d], VectorMath.splat(k[d]), sum) }
                s[t] = sum
                t += 1
            }

            // Softmax down each lane. A position after a lane's own is masked: it takes position
            // 0's score for the maximum and weight 0 after the exponential.
            @inline(__always)
            func masked(_ t: Int) -> SIMD8<Int32> {
                (last &- SIMD8(repeating: Int32(t))) &>> SIMD8(repeating: 31)
            }
            var largest = s[0]
            for t in shortest + 1..<length {
                let m = masked(t)
                let bits = unsafeBitCast(s[t], to: SIMD8<Int32>.self) & ~m | unsafeBitCast(s[0], to: SIMD8<Int32>.self) & m
                s[t] = unsafeBitCast(bits, to: SIMD8<Float>.self)
            }
            for t in 1..<length { largest = VectorMath.maximum(largest, s[t]) }
            var total = SIMD8<Float>()
            for t in 0..<length {
                var e = VectorMath.exp(s[t] - largest)
                if t > shortest {
                    e = unsafeBitCast(unsafeBitCast(e, to: SIMD8<Int32>.self) & ~masked(t), to: SIMD8<Float>.self)
                }
                s[t] = e
                total += e
            }
            let inverse = VectorMath.splat(1) / total

            // The weighted sum of values, eight dimensions at a time (eight independent sums).
            for d in stride(from: 0, to: hd, by: 8) {
                var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
                for t in 0..<length {
                    let w = s[t], v = values + t * kvDim + d
                    a0 = VectorMath.multiplyAdd(w, VectorMath.splat(v[0]), a0)
                    a1 = VectorMath.multiplyAdd(w, VectorMath.splat(v[1]), a1)
                    a2 = VectorMath.multiplyAdd(w, VectorMath.splat(v[2]), a2)
                    a3 = VectorMath.multiplyAdd(w, VectorMath.splat(v[3]), a3)
                    a4 = VectorMath.multiplyAdd(w, VectorMath.splat(v[4]), a4)
                    a5 = VectorMath.multiplyAdd(w, VectorMath.splat(v[5]), a5)
                    a6 = VectorMath.multiplyAdd(w, VectorMath.splat(v[6]), a6)
                    a7 = VectorMath.multiplyAdd(w, VectorMath.splat(v[7]), a7)
                }
                let sums = (a0 * inverse, a1 * inverse, a2 * inverse, a3 * inverse,
                            a4 * inverse, a5 * inverse, a6 * inverse, a7 * inverse)
                for j in 0..<used {
                    let row = out + offset(j) + d
                    row[0] = sums.0[j]
                    row[1] = sums.1[j]
                    row[2] = sums.2[j]
                    row[3] = sums.3[j]
                    row[4] = sums.4[j]
                    row[5] = sums.5[j]
                    row[6] = sums.6[j]
                    row[7] = sums.7[j]
                }
            }
        }
    }
}
