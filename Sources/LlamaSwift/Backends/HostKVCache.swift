import LlamaKernels

/// A sequence's keys and values in host memory, in F16, Q8_0 or F32.
///
/// One allocation made up front, laid out `[layer][keys, values][head][position][headDimension]`,
/// so that attention reads one key/value head's history as one contiguous run (decoded to floats
/// in one call). The memory is left uninitialised (a position is always written before it is
/// read), so the operating system commits only the pages a sequence reaches.
final class HostKVCache: SequenceCache, @unchecked Sendable {
    let capacity: Int
    let type: KVCacheType
    let layers: Int
    let keyValueHeads: Int
    let headDimension: Int
    /// Bytes of one head at one position.
    let headBytes: Int
    let byteCount: Int
    private let storage: UnsafeMutableRawPointer

    init(layers: Int, capacity: Int, keyValueHeads: Int, headDimension: Int, type: KVCacheType) throws(LlamaError) {
        if type == .q8_0, headDimension % 32 != 0 {
            throw .invalidParameter(
                name: "--cache-type-k", value: "q8_0",
                reason: "needs a head width that is a multiple of 32; this model's is \(headDimension)")
        }
        self.layers = layers
        self.capacity = capacity
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension
        self.type = type
        headBytes = type.byteCount(elements: headDimension)
        let (total, overflow) = (2 * layers * keyValueHeads * headBytes).multipliedReportingOverflow(by: capacity)
        guard !overflow, total < 1 << 46 else {
            throw .invalidParameter(name: "--ctx-size", value: "\(capacity)", reason: "the KV cache would not fit in memory")
        }
        byteCount = total
        storage = .allocate(byteCount: max(total, 64), alignment: 64)
    }

    deinit { storage.deallocate() }

    /// The bytes of `head` at `position` of `layer`'s keys (`kind` 0) or values (`kind` 1).
    @inline(__always)
    func address(layer: Int, kind: Int, head: Int, position: Int) -> UnsafeMutableRawPointer {
        storage + (((layer * 2 + kind) * keyValueHeads + head) * capacity + position) * headBytes
    }

    /// Encodes `count` rows of keys and values (`keyValueHeads × headDimension` floats each) at
    /// positions `start...` of `layer`.
    func store(layer: Int, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, start: Int, count: Int) {
        let width = keyValueHeads * headDimension
        for (kind, rows) in [(0, keys), (1, values)] {
            for r in 0..<count {
                for h in 0..<keyValueHeads {
                    // The type and width were checked when the cache was made.
                    try? Kernels.quantizeRow(
                        type.ggmlType, rows + r * width + h * headDimension,
                        address(layer: layer, kind: kind, head: h, position: start + r), count: headDimension)
                }
            }
        }
    }

    /// Calls `body` with the keys (`kind` 0) or values (`kind` 1) of `head` at positions
    /// `0..<count` of `layer` as floats, `headDimension` per position.
    func withFloats<R>(layer: Int, kind: Int, head: Int, count: Int, _ body: (UnsafePointer<Float>) -> R) -> R {
        let source = address(layer: layer, kind: kind, head: head, position: 0)
        if type == .f32 { return body(UnsafePointer(source.assumingMemoryBound(to: Float.self))) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, count * headDimension)) { buffer in
            try? Kernels.dequantizeRow(type.ggmlType, source, buffer.baseAddress!, count: count * headDimension)
            return body(UnsafePointer(buffer.baseAddress!))
        }
    }

    func export(count: Int) throws(LlamaError) -> [UInt8] {
        let run = count * headBytes
        var bytes = [UInt8]()
        bytes.reserveCapacity(2 * layers * keyValueHeads * run)
        for layer in 0..<layers {
            for kind in 0..<2 {
                for head in 0..<keyValueHeads {
                    bytes.append(contentsOf: UnsafeRawBufferPointer(start: address(layer: layer, kind: kind, head: head, position: 0), count: run))
                }
            }
        }
        return bytes
    }

    func restore(_ bytes: [UInt8], count: Int) throws(LlamaError) {
        let run = count * headBytes
        guard count <= capacity, bytes.count == 2 * layers * keyValueHeads * run else {
            throw .invalidParameter(name: "state", value: "\(bytes.count) bytes", reason: "does not hold \(count) positions of this cache")
        }
        bytes.withUnsafeBytes { source in
            var offset = 0
            for layer in 0..<layers {
                for kind in 0..<2 {
                    for head in 0..<keyValueHeads {
                        address(layer: layer, kind: kind, head: head, position: 0).copyMemory(from: source.baseAddress! + offset, byteCount: run)
                        offset += run
                    }
                }
            }
        }
    }
}
