import Foundation
import LlamaKernels
@testable import LlamaSwift
import Testing

/// Both shapes of the attention kernel against a plain double-precision evaluation of the
/// definition: causal, grouped heads, scaled (and capped) scores, sliding windows, softmax.
@Suite struct AttentionTests {
    struct Shape: CustomTestStringConvertible {
        let heads: Int, kvHeads: Int, width: Int, start: Int, count: Int
        var softCap: Float? = nil
        var window: Int? = nil
        var testDescription: String {
            "\(heads)/\(kvHeads) heads × \(width), rows \(start)..<\(start + count)"
                + (softCap.map { ", cap \($0)" } ?? "") + (window.map { ", window \($0)" } ?? "")
        }
    }

    @Test(arguments: [
        Shape(heads: 8, kvHeads: 4, width: 8, start: 5, count: 13),     // lanes, last block partial
        Shape(heads: 8, kvHeads: 4, width: 8, start: 0, count: 64),     // lanes, a prompt from 0
        Shape(heads: 4, kvHeads: 1, width: 16, start: 3, count: 2),     // lanes: one block, two rows
        Shape(heads: 4, kvHeads: 4, width: 24, start: 7, count: 11),    // lanes, no grouping
        Shape(heads: 4, kvHeads: 4, width: 16, start: 9, count: 3),     // rows: too few
        Shape(heads: 32, kvHeads: 8, width: 64, start: 40, count: 1),   // rows: one token
        Shape(heads: 6, kvHeads: 2, width: 12, start: 2, count: 9),     // rows: width not a multiple of 8
        Shape(heads: 8, kvHeads: 4, width: 8, start: 5, count: 13, softCap: 0.5),  // lanes: capped scores
        Shape(heads: 8, kvHeads: 2, width: 16, start: 20, count: 6, window: 7),    // rows: a window under 8
        Shape(heads: 8, kvHeads: 2, width: 16, start: 20, count: 30, window: 16),  // lanes: sliding window
        Shape(heads: 4, kvHeads: 4, width: 8, start: 0, count: 40, softCap: 2, window: 8),  // lanes: both, from 0
        Shape(heads: 4, kvHeads: 1, width: 16, start: 3, count: 1, softCap: 1, window: 9),  // lanes: one row, group 4
        Shape(heads: 4, kvHeads: 1, width: 16, start: 30, count: 1, softCap: 1, window: 4),
    ])
    func matchesTheDefinition(_ shape: Shape) throws {
        let dim = shape.heads * shape.width, kvDim = shape.kvHeads * shape.width
        let positions = shape.start + shape.count
        var generator = SeededGenerator(seed: UInt64(dim * 31 + positions))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -2...2, using: &generator) } }
        let queries = random(shape.count * dim), keys = random(positions * kvDim), values = random(positions * kvDim)
        var out = [Float](repeating: .nan, count: shape.count * dim)
        let cache = try HostKVCache(layers: 1, capacity: positions, keyValueHeads: shape.kvHeads, headDimension: shape.width, type: .f32)
        cache.store(layer: 0, keys: keys, values: values, start: 0, count: positions)
        let attention = Attention(shape: AttentionShape(
            heads: shape.heads, keyValueHeads: shape.kvHeads, headDimension: shape.width,
            scale: 1 / Float(shape.width).squareRoot(), softCap: shape.softCap, window: shape.window))
        let span = SequenceSpan(cache: cache, firstRow: 0, count: shape.count, start: shape.start)
        queries.withUnsafeBufferPointer { q in
            out.withUnsafeMutableBufferPointer { o in
                attention.run(layer: 0, queries: q.baseAddress!, spans: [span], into: o.baseAddress!, pool: CPUBackend(threads: 2))
            }
        }

        var worst = 0.0
        for b in 0..<shape.count {
            for h in 0..<shape.heads {
                let kv = h / (shape.heads / shape.kvHeads)
                let q = queries[(b * dim + h * shape.width)...].prefix(shape.width)
                let last = shape.start + b
                let visible = (shape.window.map { max(0, last - $0 + 1) } ?? 0)...last
                let logits = visible.map { t in
                    let score = zip(q, keys[(t * kvDim + kv * shape.width)...]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                        / Double(shape.width).squareRoot()
                    return shape.softCap.map { Double($0) * tanh(score / Double($0)) } ?? score
                }
                let top = logits.max()!
                let weights = logits.map { exp($0 - top) }
                let total = weights.reduce(0, +)
                for d in 0..<shape.width {
                    var expected = 0.0
                    for (i, t) in visible.enumerated() { expected += weights[i] / total * Double(values[t * kvDim + kv * shape.width + d]) }
                    worst = max(worst, abs(Double(out[b * dim + h * shape.width + d]) - expected))
                }
            }
        }
        #expect(worst < 2e-5, "largest difference \(worst)")
    }
}
