import Foundation

/// Causal grouped-query attention of a pass's queries over their sequences' cached keys and values.
///
/// Row `b` of a span sits at position `start + b` of its sequence and attends to positions
/// `0...start + b` (the last `window` of them with a sliding window); query head `h` reads
/// key/value head `h / group`, where `group = heads / keyValueHeads`. Scores are multiplied by
/// the shape's scale (and soft-capped when it says so).
///
/// Work is split by span and key/value head: each task decodes its head's keys and values once
/// (``HostKVCache/withFloats(layer:kind:head:count:_:)``) for all the query heads that read them.
/// Two shapes of the same computation. When a key/value head serves at least eight query rows
/// (a prompt batch, or a wide group), heads are a multiple of eight wide and any sliding window
/// is at least eight wide, eight query rows share each vector lane-wise: a key or value
/// element is broadcast once and multiplied into all eight, and the softmax runs down the lanes,
/// so no vector is ever summed across. Otherwise (one token, a narrow group) each row's scores
/// are dot products over the head's width.
struct Attention {
    let shape: AttentionShape

    /// Writes the attention of every span's query rows (`heads × headDimension` floats per row of
    /// `queries`, rows numbered across spans) into the same rows of `out`, after the spans' keys
    /// and values for `layer` are in their caches.
    func run(
        layer: Int, queries: UnsafePointer<Float>, spans: [SequenceSpan<HostKVCache>],
        into out: UnsafeMutablePointer<Float>, pool: any Backend
    ) {
        let lanes = 8, hd = shape.headDimension, width = shape.heads * hd, kvHeads = shape.keyValueHeads
        struct Task { let span: Int; let head: Int; let block: Int? }
        var tasks: [Task] = []
        for (index, span) in spans.enumerated() {
            if usesLanes(rows: span.count) {
                let blocks = (span.count * shape.group + lanes - 1) / lanes
                // The last rows see the most positions: hand them out first.
                for block in (0..<blocks).reversed() {
                    for head in 0..<kvHeads { tasks.append(Task(span: index, head: head, block: block)) }
                }
            } else {
                for head in 0..<kvHeads { tasks.append(Task(span: index, head: head, block: nil)) }
            }
        }
        // Multiply-adds of the whole call (scores and weighted values): below `serialWork` the
        // tasks run on the calling thread, cheaper than handing them out.
        let work = spans.reduce(0) { $0 + 2 * $1.count * ($1.start + $1.count) * width }
        let parallel: (Int, (Int) -> Void) -> Void = work < Self.serialWork
            ? { count, body in for i in 0..<count { body(i) } } : { pool.parallelFor($0, $1) }
        parallel(tasks.count) { t in
            let task = tasks[t], span = spans[task.span]
            let q = queries + span.firstRow * width, o = out + span.firstRow * width
            let cache = span.cache
            if let block = task.block {
                let rows = span.count * shape.group
                let lastRow = min(rows, (block + 1) * lanes) - 1
                let length = span.start + lastRow / shape.group + 1
                cache.withFloats(layer: layer, kind: 0, head: task.head, count: length) { keys in
                    cache.withFloats(layer: layer, kind: 1, head: task.head, count: length) { values in
                        attendLanes(
                            keyValueHead: task.head, firstRow: block * lanes, rows: rows,
                            queries: q, keys: keys, values: values, start: span.start, into: o)
                    }
                }
            } else {
                let length = span.start + span.count
                cache.withFloats(layer: layer, kind: 0, head: task.head, count: length) { keys in
                    cache.withFloats(layer: layer, kind: 1, head: task.head, count: length) { values in
                        attendRows(
                            keyValueHead: task.head, queries: q, keys: keys, values: values,
                            start: span.start, count: span.count, into: o)
                    }
                }
            }
        }
    }

    /// Multiply-adds below which one call's tasks are not worth handing to other threads.
    static let serialWork = 65536

    /// Whether a span of `rows` rows takes the eight-lane shape (a window, when there is one, at
    /// least eight wide).
    func usesLanes(rows: Int) -> Bool {
        rows * shape.group >= 8 && shape.headDimension % 8 == 0 && (shape.window ?? 8) >= 8
    }

    /// The query heads of `keyValueHead` for every row of a span, one row at a time.
    private func attendRows(
        keyValueHead: Int, queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        start: Int, count n: Int, into out: UnsafeMutablePointer<Float>
    ) {
        let hd = shape.headDimension, dim = shape.heads * hd
        let scale = shape.scale
        withUnsafeTemporaryAllocation(of: Float.self, capacity: start + n) { buffer in
            let scores = buffer.baseAddress!
            for head in keyValueHead * shape.group..<(keyValueHead + 1) * shape.group {
                for b in 0..<n {
                    let query = queries + b * dim + head * hd
                    let last = start + b
                    let first = shape.window.map { max(0, last - $0 + 1) } ?? 0
                    let length = last - first + 1
                    for t in 0..<length {
                        var score = VectorMath.dot(query, keys + (first + t) * hd, count: hd) * scale
                        if let cap = shape.softCap { score = cap * Float(tanh(Double(score / cap))) }
                        scores[t] = score
                    }
                    VectorMath.softmax(scores, count: length)
                    let row = out + b * dim + head * hd
                    row.update(repeating: 0, count: hd)
                    for t in 0..<length {
                        VectorMath.addScaled(row, scores[t], values + (first + t) * hd, count: hd)
                    }
                }
            }
        }
    }

    /// Eight of the query rows that read `keyValueHead`, lane `j` holding row `firstRow + j` of
    /// the `rows = n × group` such rows (span row `r / group`, query head
    /// `keyValueHead × group + r % group`). Lanes past the last row repeat it and are not written.
    /// `keys` and `values` hold the head's positions one after the other, `headDimension` floats each.
    private func attendLanes(
        keyValueHead: Int, firstRow: Int, rows: Int,
        queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        start: Int, into out: UnsafeMutablePointer<Float>
    ) {
        let hd = shape.headDimension, dim = shape.heads * hd, kvDim = hd, group = shape.group
        let scale = shape.scale
        let used = min(8, rows - firstRow)
        // Where lane j's query comes from and its result goes, and the last position it sees.
        func offset(_ j: Int) -> Int {
            let r = firstRow + min(j, used - 1)
            return (r / group) * dim + (keyValueHead * group + r % group) * hd
        }
        var last = SIMD8<Int32>()
        for j in 0..<8 { last[j] = Int32(start + (firstRow + min(j, used - 1)) / group) }
        // Every lane sees positions from...shortest (lane 0's window, or 0 without one); lanes
        // differ only outside that range. `length` ends after the last lane's own position.
        let shortest = start + firstRow / group
        let length = start + (firstRow + used - 1) / group + 1
        let from = shape.window.map { max(0, shortest - $0 + 1) } ?? 0
        // The first position lane j sees: past it, `last - window` is masked.
        let window = shape.window.map { Int32($0) }

        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: hd + length - from) { buffer in
            // The eight queries, transposed and scaled: q[d] holds dimension d of every lane.
            // s[t - from] holds the scores of position t.
            let q = buffer.baseAddress!, s = q + hd - from
            for j in 0..<8 {
                let query = queries + offset(j)
                for d in 0..<hd { q[d][j] = query[d] * scale }
            }

            // Scores, four positions at a time so that four sums advance independently.
            var t = from
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
            if let cap = shape.softCap {
                // cap · tanh(x / cap), tanh as 1 − 2 / (1 + e^(2x/cap)).
                let twice = VectorMath.splat(2 / cap), c = VectorMath.splat(cap)
                for t in from..<length { s[t] = c * (1 - 2 / (1 + VectorMath.exp(s[t] * twice))) }
            }

            // Softmax down each lane. A position outside a lane's view (after its own, or before
            // its window) is masked: it takes a score below every real one for the maximum and
            // weight 0 after the exponential.
            @inline(__always)
            func masked(_ t: Int) -> SIMD8<Int32> {
                let position = SIMD8(repeating: Int32(t))
                let after = (last &- position) &>> SIMD8(repeating: 31)
                guard let window else { return after }
                return after | ((position &- (last &- SIMD8(repeating: window))) &- 1) &>> SIMD8(repeating: 31)
            }
            let floor = unsafeBitCast(SIMD8<Float>(repeating: -Float.greatestFiniteMagnitude), to: SIMD8<Int32>.self)
            // Without a window every lane sees from...shortest; with one, any position may be masked.
            let firstMasked = window == nil ? shortest + 1 : from
            for t in firstMasked..<length {
                let m = masked(t)
                let bits = unsafeBitCast(s[t], to: SIMD8<Int32>.self) & ~m | floor & m
                s[t] = unsafeBitCast(bits, to: SIMD8<Float>.self)
            }
            var largest = s[from]
            for t in from + 1..<length { largest = VectorMath.maximum(largest, s[t]) }
            var total = SIMD8<Float>()
            for t in from..<length {
                var e = VectorMath.exp(s[t] - largest)
                if t >= firstMasked {
                    e = unsafeBitCast(unsafeBitCast(e, to: SIMD8<Int32>.self) & ~masked(t), to: SIMD8<Float>.self)
                }
                s[t] = e
                total += e
            }
            let inverse = VectorMath.splat(1) / total

            // The weighted sum of values, eight dimensions at a time (eight independent sums).
            for d in stride(from: 0, to: hd, by: 8) {
                var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
                for t in from..<length {
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
