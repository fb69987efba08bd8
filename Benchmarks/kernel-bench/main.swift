// kernel-bench: matvec throughput of LlamaKernels per weight type at LLaMA 3 1B and 8B matrix
// shapes, on 1 and 2 threads, next to the machine's plain memory read bandwidth.
//
//   swift run -c release kernel-bench [--quick] [--types Q4_0,Q6_K] [--threads 1,2]
//
// GB/s is weight bytes streamed per second: a matvec reads every weight once, so at batch 1 the
// ideal is the memory bandwidth line; each row also gives it as a share of a 1 GB read measured
// just before it (in huge pages on Linux), since a shared machine's bandwidth drifts. A last table times matmul (prefill) at batch 32 on the
// 1B attention shape with all threads, in weight-activation products per second. Matrices are in
// the layout the engine uses (`Kernels.prepared`: in the native x86 build Q4_0, Q4_1, Q5_0 and
// Q5_1 interleaved, the K-quants repacked in group order).
import Foundation
import GGUF
import LlamaKernels

struct Options {
    var types: [GGMLType] = Kernels.supportedTypes
    var threads = [1, 2]
    var quick = false

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count {
            switch arguments[i] {
            case "--quick": quick = true
            case "--types" where i + 1 < arguments.count:
                i += 1
                types = arguments[i].split(separator: ",").compactMap { GGMLType(name: String($0)) }
            case "--threads" where i + 1 < arguments.count:
                i += 1
                threads = arguments[i].split(separator: ",").compactMap { Int($0) }
            default:
                print("usage: kernel-bench [--quick] [--types Q4_0,Q6_K,...] [--threads 1,2]")
                exit(2)
            }
            i += 1
        }
    }
}

/// (name, rows, columns): the matrices of one LLaMA 3 layer that dominate decode time.
let shapes: [(String, Int, Int)] = [
    ("1B attn 2048x2048", 2048, 2048), ("1B ffn 8192x2048", 8192, 2048),
    ("8B attn 4096x4096", 4096, 4096), ("8B ffn 14336x4096", 14336, 4096),
]

/// Seconds per call of `body` (median and fastest) over timed runs after a warm-up, running for
/// about `budget` seconds in all. On a shared machine the fastest run is the one least disturbed.
func secondsPerCall(budget: Double, _ body: () -> Void) -> (median: Double, best: Double) {
    body()
    var samples: [Double] = []
    let clock = ContinuousClock()
    let start = clock.now
    repeat {
        let t0 = clock.now
        body()
        let elapsed = t0.duration(to: clock.now)
        samples.append(elapsed / .seconds(1))
    } while (start.duration(to: clock.now) < .seconds(budget) || samples.count < 5) && samples.count < 10_000
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

/// Weights for a benchmark: random bytes are valid blocks for every quantized type (the speed
/// does not depend on the values); float types get real normal-ish values so that no
/// subnormals or NaNs take slow paths.
func makeWeights(_ type: GGMLType, rows: Int, columns: Int) -> UnsafeMutableRawBufferPointer {
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: type.byteCount(elements: rows * columns)!, alignment: 64)
    var state: UInt64 = 0x1234_5678
    if [.f32, .f16, .bf16].contains(type) {
        var row = [Float](repeating: 0, count: columns)
        for r in 0..<rows {
            for c in 0..<columns {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                row[c] = Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max) * 0.05
            }
            try! Kernels.quantizeRow(type, row, bytes.baseAddress! + r * (bytes.count / rows), count: columns)
        }
    } else {
        let words = bytes.bindMemory(to: UInt64.self)
        for i in words.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            words[i] = state
        }
    }
    return bytes
}

/// A plain read of 1 GB with `threads` threads, in ordinary pages or (Linux) in memory advised
/// for transparent huge pages, as the engine keeps the weights it copies at load.
final class MemoryRead {
    let byteCount = 1 << 30
    private let raw: UnsafeMutableRawPointer
    private let words: UnsafeMutableBufferPointer<SIMD8<UInt64>>

    init(hugePages: Bool) {
        raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 2 << 20)
        #if os(Linux)
        if hugePages { _ = madvise(raw, byteCount, 14 /* MADV_HUGEPAGE */) }
        #endif
        words = UnsafeMutableBufferPointer(start: raw.bindMemory(to: SIMD8<UInt64>.self, capacity: byteCount / 64), count: byteCount / 64)
        words.initialize(repeating: SIMD8(repeating: 1))
    }

    deinit { raw.deallocate() }

    /// GB/s of the best run of summing the buffer (64-bit words, 8 lanes) with `pool`'s threads.
    func gigabytesPerSecond(pool: ThreadPool, budget: Double) -> Double {
        let chunks = 64
        let perChunk = words.count / chunks
        let sums = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: chunks)
        defer { sums.deallocate() }
        let words = words
        let seconds = secondsPerCall(budget: budget) {
            pool.parallelFor(chunks) { c in
                var acc = SIMD8<UInt64>()
                for i in c * perChunk..<(c + 1) * perChunk { acc &+= words[i] }
                sums[c] = acc.wrappedSum()
            }
        }
        precondition(sums.reduce(0, &+) == UInt64(words.count * 8), "bandwidth check sum")
        return Double(byteCount) / seconds.best / 1e9
    }
}

let options = Options(CommandLine.arguments)
let budget = options.quick ? 0.3 : 1.0
print("LlamaKernels matvec benchmark (\(ProcessInfo.processInfo.activeProcessorCount) processors)")
let plainRead = MemoryRead(hugePages: false)
#if os(Linux)
let hugePageRead = MemoryRead(hugePages: true)
#else
let hugePageRead = plainRead
#endif
for threads in options.threads {
    let plural = threads == 1 ? "" : "s", pool = ThreadPool(threadCount: threads)
    print(String(format: "memory read (1 GB, best run), %d thread%@: %.1f GB/s", threads, plural,
                 plainRead.gigabytesPerSecond(pool: pool, budget: budget)))
    #if os(Linux)
    print(String(format: "memory read (1 GB in huge pages, best run), %d thread%@: %.1f GB/s", threads, plural,
                 hugePageRead.gigabytesPerSecond(pool: pool, budget: budget)))
    #endif
}
// The machine may be shared and its bandwidth drifts: each row is also given as a share of a
// read of 1 GB (on Linux in huge pages, the memory the weights live in) with the same threads,
// measured just before it.
print("type    shape                    threads  median µs   best µs  GB/s (best)  Gelem/s (best)  read GB/s  % of read")
for type in options.types {
    for (name, rows, columns) in shapes {
        let weights = makeWeights(type, rows: rows, columns: columns)
        defer { weights.deallocate() }
        let matrix = Kernels.prepared(
            try! WeightMatrix(type: type, rows: rows, columns: columns, data: UnsafeRawPointer(weights.baseAddress!)), pool: ThreadPool())
        let x = (0..<columns).map { Float(($0 % 17) - 8) * 0.01 }
        var y = [Float](repeating: 0, count: rows)
        for threads in options.threads {
            let pool = ThreadPool(threadCount: threads)
            let read = hugePageRead.gigabytesPerSecond(pool: pool, budget: budget / 4)
            let seconds = y.withUnsafeMutableBufferPointer { out in
                secondsPerCall(budget: budget) { Kernels.matvec(matrix, x, out.baseAddress!, pool: pool) }
            }
            let gigabytes = Double(weights.count) / seconds.best / 1e9
            let line = String(
                format: "%-7@ %-24@ %7d %10.1f %9.1f %12.2f %15.2f %10.1f %9.0f%%", type.name, name, threads, seconds.median * 1e6,
                seconds.best * 1e6, gigabytes, Double(rows * columns) / seconds.best / 1e9, read, 100 * gigabytes / read)
            print(line)
        }
    }
}

let batch = 32
let (_, rows, columns) = shapes[0]
let threads = options.threads.max() ?? 1
print("matmul, \(shapes[0].0), batch \(batch), \(threads) thread\(threads == 1 ? "" : "s"): best µs, G multiply-adds/s")
for type in options.types {
    let weights = makeWeights(type, rows: rows, columns: columns)
    defer { weights.deallocate() }
    let matrix = Kernels.prepared(
        try! WeightMatrix(type: type, rows: rows, columns: columns, data: UnsafeRawPointer(weights.baseAddress!)), pool: ThreadPool())
    let x = (0..<batch * columns).map { Float(($0 % 23) - 11) * 0.01 }
    var y = [Float](repeating: 0, count: batch * rows)
    let pool = ThreadPool(threadCount: threads)
    let seconds = y.withUnsafeMutableBufferPointer { out in
        secondsPerCall(budget: budget) { Kernels.matmul(matrix, x, batch: batch, out.baseAddress!, pool: pool) }
    }
    print(String(format: "%-7@ %10.1f %9.2f", type.name, seconds.best * 1e6, Double(batch * rows * columns) / seconds.best / 1e9))
}
