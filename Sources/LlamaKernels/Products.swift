/// The generic matvec and matmul drivers, specialised per ``BlockFormat``.
enum Products {
    /// Rows per parallel task, aiming at sixteen tasks per thread so that neither a product's
    /// last task nor a slow thread (the machine may be shared) leaves the others idle for long,
    /// but no fewer than 16 rows, nor fewer than ``minimumTaskElements`` weights, per task: a
    /// small model's whole product is then one task, run on the calling thread without a hand-off.
    static func rowsPerTask(rows: Int, columns: Int, threads: Int) -> Int {
        max(16, minimumTaskElements / max(1, columns), (rows + threads * 16 - 1) / (threads * 16))
    }

    /// Weights below which handing a task to another thread costs more than it saves.
    static let minimumTaskElements = 32768

    /// Encodes `count` floats of `x` as `F.Activation` into a new buffer the caller deallocates.
    static func encodeActivation<F: BlockFormat>(_: F.Type, _ x: UnsafePointer<Float>, count: Int) -> UnsafeMutableRawPointer {
        let blocks = count / F.Activation.blockElements
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, blocks * F.Activation.blockBytes), alignment: 64)
        F.Activation.encode(x, buffer, blocks: blocks)
        return buffer
    }

    /// Encodes `batch` rows of `columns` floats as `F.Activation`, row after row
    /// (`columns / F.blockElements × F.activationBytesPerBlock` bytes each), into a new buffer the
    /// caller deallocates. Rows are split over `pool` about 32K floats per task, so that small
    /// models do not pay a hand-off per row.
    static func encodeActivations<F: BlockFormat>(_: F.Type, _ x: UnsafePointer<Float>, batch: Int, columns: Int, pool: ThreadPool) -> UnsafeMutableRawPointer {
        let rowBytes = columns / F.blockElements * F.activationBytesPerBlock
        let activations = UnsafeMutableRawPointer.allocate(byteCount: max(1, batch * rowBytes), alignment: 64)
        let activationBlocks = columns / F.Activation.blockElements
        let encodeRows = max(1, 32768 / max(1, columns))
        pool.parallelFor((batch + encodeRows - 1) / encodeRows) { task in
            for b in task * encodeRows..<min(batch, task * encodeRows + encodeRows) {
                F.Activation.encode(x + b * columns, activations + b * rowBytes, blocks: activationBlocks)
            }
        }
        return activations
    }

    static func matvec<F: BlockFormat>(_: F.Type, _ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let activation = encodeActivation(F.self, x, count: w.columns)
        defer { activation.deallocate() }
        let blocks = w.columns / F.blockElements
        let step = rowsPerTask(rows: w.rows, columns: w.columns, threads: pool.threadCount)
        pool.parallelFor((w.rows + step - 1) / step) { task in
            for r in task * step..<min(w.rows, task * step + step) {
                y[r] = F.dot(w.row(r), activation, blocks: blocks)
            }
        }
    }

    /// Weight rows per tile in matmul: one tile of a 4096-column Q4_0 matrix is about 74 KB,
    /// which stays in L2 while every activation row of a batch tile passes over it.
    static let weightTile = 32
    /// Activation rows per tile in matmul.
    static let batchTile = 64
    /// Activation rows each weight row meets in one `dotRows` call: their encodings (a few KB
    /// each) stay in L1 while the weight tile's rows pass over them, and a format's `dotRows`
    /// decodes each weight block once for all of them.
    static let activationGroup = 4

    static func matmul<F: BlockFormat>(_: F.Type, _ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        guard batch > 0 else { return }
        let blocks = w.columns / F.blockElements
        let activationRowBytes = blocks * F.activationBytesPerBlock
        let activations = encodeActivations(F.self, x, batch: batch, columns: w.columns, pool: pool)
        defer { activations.deallocate() }
        let rowTiles = (w.rows + weightTile - 1) / weightTile
        let batchTiles = (batch + batchTile - 1) / batchTile
        pool.parallelFor(rowTiles * batchTiles) { task in
            let rowStart = (task / batchTiles) * weightTile
            let batchStart = (task % batchTiles) * batchTile
            let batchEnd = min(batch, batchStart + batchTile)
            for b in stride(from: batchStart, to: batchEnd, by: activationGroup) {
                let a = activations + b * activationRowBytes
                let group = min(activationGroup, batchEnd - b)
                for r in rowStart..<min(w.rows, rowStart + weightTile) {
                    F.dotRows(w.row(r), a, activationStride: activationRowBytes, rows: group, blocks: blocks,
                              y + b * w.rows + r, outStride: w.rows)
                }
            }
        }
    }
}
