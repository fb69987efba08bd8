import Foundation
import GGUF
import LlamaKernels
import Synchronization

/// Floats in host memory, owned by whoever made them.
final class HostBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = max(1, count)
        pointer = .allocate(capacity: self.count)
        pointer.initialize(repeating: 0, count: self.count)
    }

    deinit { pointer.deallocate() }
}

/// The cosines and sines of a pass's rows: `pairs` of each per row.
struct HostRotations {
    let pairs: Int
    let cosines: [Float]
    let sines: [Float]
}

/// The operations on the CPU: products through a ``Backend`` (LlamaKernels' threaded kernels,
/// or BLAS for prompt batches), the element-wise steps and attention over ``HostKVCache``s.
///
/// Matrices are prepared once (``LlamaKernels/Kernels/prepared(_:pool:copied:)``: interleaved or
/// repacked in the native build, large ones in huge pages) and the file pages they were copied
/// from released, so a model's memory stays about its file's size.
final class CPUOperations: ModelOperations, @unchecked Sendable {
    let backend: any Backend
    private let pool: ThreadPool
    /// Small tensors copied out of the mapping, freed with the operations.
    private let vectors = VectorStorage()
    /// The tensors whose products read a copy, their file pages released.
    private let copies = Mutex<Set<String>>([])
    /// Scratch for products that accumulate, per width (grown on demand, one pass at a time).
    private let scratch = Mutex<[Float]>([])

    let supportedTypes = Set(Kernels.supportedTypes)
    let maximumSpans = Int.max
    let deviceBytes: Int? = nil

    init(backend: any Backend, pool: ThreadPool) {
        self.backend = backend
        self.pool = pool
    }

    func matrix(_ tensor: GGUFTensorInfo, in file: GGUFFile) throws(LlamaError) -> WeightMatrix {
        let plain: WeightMatrix
        do {
            plain = try WeightMatrix(type: tensor.type, rows: tensor.rowCount, columns: tensor.rowLength, bytes: file.data(for: tensor))
        } catch .unsupportedType {
            throw .unsupportedTensorType(tensor: tensor.name, type: tensor.type.name)
        } catch {
            throw .invalidModelFile(path: file.path, reason: "tensor '\(tensor.name)': \(error)")
        }
        // Each part of the file's copy is released as soon as ours has it, so that the two never
        // coexist for more than a slice; then the pages that straddled two parts.
        let prepared = Kernels.prepared(plain, pool: pool) { file.releasePages(of: tensor, bytes: $0) }
        if prepared.isCopy {
            file.releasePages(of: [tensor])
            copies.withLock { _ = $0.insert(tensor.name) }
        }
        return prepared
    }

    /// The tensors ``matrix(_:in:)`` copied, which the products no longer read from the file.
    var copiedTensors: Set<String> { copies.withLock { $0 } }

    func table(_ tensor: GGUFTensorInfo, in file: GGUFFile, tiedOutput: WeightMatrix?) throws(LlamaError) -> WeightMatrix {
        // A tied output that was copied (in any layout: Kernels.dequantize decodes each) serves
        // the lookups too: reading rows from the released file pages would map them again, 2 MiB
        // at a time where the page cache holds large folios, on top of the copy.
        if let tiedOutput, tiedOutput.isCopy { return tiedOutput }
        do {
            return try WeightMatrix(type: tensor.type, rows: tensor.rowCount, columns: tensor.rowLength, bytes: file.data(for: tensor))
        } catch {
            throw .invalidModelFile(path: file.path, reason: "tensor '\(tensor.name)': \(error)")
        }
    }

    func vector(_ values: [Float]) throws(LlamaError) -> UnsafePointer<Float> {
        values.withUnsafeBufferPointer { vectors.copy($0) }
    }

    func activations(count: Int) throws(LlamaError) -> HostBuffer { HostBuffer(count: count) }

    func makeCache(layers: Int, capacity: Int, keyValueHeads: Int, headDimension: Int, type: KVCacheType) throws(LlamaError) -> HostKVCache {
        try HostKVCache(layers: layers, capacity: capacity, keyValueHeads: keyValueHeads, headDimension: headDimension, type: type)
    }

    func run(_ body: () throws(LlamaError) -> Void) throws(LlamaError) { try body() }

    func embed(_ table: WeightMatrix, tokens: [Int32], into output: HostBuffer) throws(LlamaError) {
        for (b, token) in tokens.enumerated() {
            do {
                try Kernels.dequantize(table, row: Int(token), into: output.pointer + b * table.columns)
            } catch {
                throw .invalidToken(id: Int(token), vocabularySize: table.rows)
            }
        }
    }

    func rmsNorm(_ x: HostBuffer, weight: UnsafePointer<Float>, width: Int, rows: Int, epsilon: Float, into output: HostBuffer) throws(LlamaError) {
        for b in 0..<rows {
            VectorMath.rmsNorm(output.pointer + b * width, x.pointer + b * width, weight, count: width, epsilon: epsilon)
        }
    }

    func multiply(_ w: WeightMatrix, _ x: HostBuffer, rows: Int, into output: HostBuffer, accumulate: Bool) throws(LlamaError) {
        guard accumulate else { return product(w, x.pointer, rows, output.pointer) }
        let count = rows * w.rows
        scratch.withLock { buffer in
            if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
            buffer.withUnsafeMutableBufferPointer { product(w, x.pointer, rows, $0.baseAddress!) }
            buffer.withUnsafeBufferPointer { VectorMath.add(output.pointer, $0.baseAddress!, count: count) }
        }
    }

    /// `y = W x` for each of the `n` rows of `x`: a matrix–vector product for one row, a
    /// matrix–matrix product for more.
    private func product(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ n: Int, _ y: UnsafeMutablePointer<Float>) {
        if n == 1 {
            backend.matvec(w, x, y)
        } else {
            backend.matmul(w, x, batch: n, y)
        }
    }

    func rotations(frequencies: [Double], spans: [SequenceSpan<HostKVCache>]) throws(LlamaError) -> HostRotations {
        let pairs = frequencies.count
        let rows = spans.reduce(0) { max($0, $1.firstRow + $1.count) }
        var cosines = [Float](repeating: 0, count: rows * pairs), sines = cosines
        for span in spans {
            for r in 0..<span.count {
                let row = (span.firstRow + r) * pairs, position = Double(span.start + r)
                for i in 0..<pairs {
                    let angle = position * frequencies[i]
                    cosines[row + i] = Float(cos(angle))
                    sines[row + i] = Float(sin(angle))
                }
            }
        }
        return HostRotations(pairs: pairs, cosines: cosines, sines: sines)
    }

    func rope(
        _ x: HostBuffer, _ rotations: HostRotations, heads: Int, headDimension: Int, rotated: Int, rows: Int,
        style: RopeStyle
    ) throws(LlamaError) {
        let pairs = rotated / 2, width = heads * headDimension, x = x.pointer
        // Where pair i's two elements sit in a head.
        let (stride, offset) = style == .adjacent ? (2, 1) : (1, pairs)
        rotations.cosines.withUnsafeBufferPointer { cosines in
            rotations.sines.withUnsafeBufferPointer { sines in
                for b in 0..<rows {
                    let angles = b * rotations.pairs
                    for h in 0..<heads {
                        let head = x + b * width + h * headDimension
                        for i in 0..<pairs {
                            let c = cosines[angles + i], s = sines[angles + i]
                            let first = stride * i, x0 = head[first], x1 = head[first + offset]
                            head[first] = x0 * c - x1 * s
                            head[first + offset] = x0 * s + x1 * c
                        }
                    }
                }
            }
        }
    }

    func attend(
        layer: Int, queries: HostBuffer, keys: HostBuffer, values: HostBuffer, spans: [SequenceSpan<HostKVCache>],
        shape: AttentionShape, into output: HostBuffer
    ) throws(LlamaError) {
        let width = shape.heads * shape.headDimension, kvWidth = shape.keyValueHeads * shape.headDimension
        for span in spans {
            guard span.start + span.count <= span.cache.capacity else {
                throw .contextOverflow(tokens: span.start + span.count, contextSize: span.cache.capacity)
            }
            span.cache.store(
                layer: layer, keys: keys.pointer + span.firstRow * kvWidth, values: values.pointer + span.firstRow * kvWidth,
                start: span.start, count: span.count)
            // Queries meet the keys at the cache's precision, as llama.cpp's attention does: rounded
            // to half precision for F16 keys, through 8-bit blocks for Q8_0 keys.
            let rows = queries.pointer + span.firstRow * width
            switch span.cache.type {
            case .f16: VectorMath.roundToHalfPrecision(rows, count: span.count * width)
            case .q8_0: Self.roundThroughQ8_0(rows, count: span.count * width)
            case .f32: break
            }
        }
        Attention(shape: shape).run(
            layer: layer, queries: queries.pointer, spans: spans, into: output.pointer, pool: backend)
    }

    /// `x` replaced by its Q8_0 encoding's values, block by block (`count` a multiple of 32, as a
    /// Q8_0 cache's head width is).
    private static func roundThroughQ8_0(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let layout = GGMLType.q8_0.blockLayout!
        withUnsafeTemporaryAllocation(byteCount: layout.bytes, alignment: 16) { block in
            for start in stride(from: 0, to: count, by: layout.elements) {
                try? Kernels.quantizeRow(.q8_0, x + start, block.baseAddress!, count: layout.elements)
                try? Kernels.dequantizeRow(.q8_0, block.baseAddress!, x + start, count: layout.elements)
            }
        }
    }

    func swiglu(_ gate: HostBuffer, _ up: HostBuffer, count: Int) throws(LlamaError) {
        VectorMath.swiglu(gate.pointer, up.pointer, count: count)
    }

    func geglu(_ gate: HostBuffer, _ up: HostBuffer, count: Int) throws(LlamaError) {
        VectorMath.geglu(gate.pointer, up.pointer, count: count)
    }

    func addBias(_ x: HostBuffer, _ bias: UnsafePointer<Float>, width: Int, rows: Int) throws(LlamaError) {
        for b in 0..<rows { VectorMath.add(x.pointer + b * width, bias, count: width) }
    }

    func add(_ x: HostBuffer, _ y: HostBuffer, count: Int) throws(LlamaError) {
        VectorMath.add(x.pointer, y.pointer, count: count)
    }

    func scale(_ x: HostBuffer, by factor: Float, count: Int) throws(LlamaError) {
        VectorMath.scale(x.pointer, by: factor, count: count)
    }

    func softCap(_ x: HostBuffer, cap: Float, count: Int) throws(LlamaError) {
        VectorMath.softCap(x.pointer, cap: cap, count: count)
    }

    func gather(_ x: HostBuffer, rows: [Int], width: Int, into output: HostBuffer) throws(LlamaError) {
        for (i, row) in rows.enumerated() where i != row || x !== output {
            (output.pointer + i * width).update(from: x.pointer + row * width, count: width)
        }
    }

    func read(_ x: HostBuffer, count: Int, into host: UnsafeMutablePointer<Float>) throws(LlamaError) {
        host.update(from: x.pointer, count: count)
    }
}

/// Small float tensors copied out of the file mapping, freed with their owner.
final class VectorStorage: @unchecked Sendable {
    private var buffers: [UnsafeMutableBufferPointer<Float>] = []

    /// A copy of `source` that lives as long as this storage.
    func copy(_ source: UnsafeBufferPointer<Float>) -> UnsafePointer<Float> {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, source.count))
        _ = buffer.initialize(from: source)
        buffers.append(buffer)
        return UnsafePointer(buffer.baseAddress!)
    }

    deinit { for buffer in buffers { buffer.deallocate() } }
}
