import Foundation
import LlamaKernels
@testable import LlamaSwift
import Testing

/// Both shapes of the attention kernel against a plain double-precision evaluation of the
/// definition: causal, grouped heads, scaled scores, softmax.
@Suite struct AttentionTests {
    struct Shape: CustomTestStringConvertible {
        let heads: Int, kvHeads: Int, width: Int, start: Int, count: Int
        var testDescription: String { "\(heads)/\(kvHeads) heads × \(width), rows \(start)..<\(start + count)" }
    }

    @Test(arguments: [
        Shape(heads: 8, kvHeads: 4, width: 8, start: 5, count: 13),     // lanes, last block partial
        Shape(heads: 8, kvHeads: 4, width: 8, start: 0, count: 64),     // lanes, a prompt from 0
        Shape(heads: 4, kvHeads: 1, width: 16, start: 3, count: 2),     // lanes: one block, two rows
        Shape(heads: 4, kvHeads: 4, width: 24, start: 7, count: 11),    // lanes, no grouping
        Shape(heads: 4, kvHeads: 4, width: 16, start: 9, count: 3),     // rows: too few
        Shape(heads: 32, kvHeads: 8, width: 64, start: 40, count: 1),   // rows: one token
        Shape(heads: 6, kvHeads: 2, width: 12, start: 2, count: 9),     // rows: width not a multiple of 8
    ])
    func matchesTheDefinition(_ shape: Shape) {
        let dim = shape.heads * shape.width, kvDim = shape.kvHeads * shape.width
        let positions = shape.start + shape.count
        var generator = SeededGenerator(seed: UInt64(dim * 31 + positions))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -2...2, using: &generator) } }
        let queries = random(shape.count * dim), keys = random(positions * kvDim), values = random(positions * kvDim)
        var out = [Float](repeating: .nan, count: shape.count * dim)
        var scores = [Float](repeating: 0, count: shape.heads * positions)
        let attention = Attention(headCount: shape.heads, keyValueHeadCount: shape.kvHeads, headDimension: shape.width)
        attention(
            queries: queries, keys: keys, values: values, start: shape.start, count: shape.count,
            into: &out, scores: &scores, scoreStride: positions, backend: CPUBackend(threads: 2))

        var worst = 0.0
        for b in 0..<shape.count {
            for h in 0..<shape.heads {
                let kv = h / (shape.heads / shape.kvHeads)
                let q = queries[(b * dim + h * shape.width)...].prefix(shape.width)
                let visible = 0...(shape.start + b)
                let logits = visible.map { t in
                    zip(q, keys[(t * kvDim + kv * shape.width)...]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                        / Double(shape.width).squareRoot()
                }
                let top = logits.max()!
                let weights = logits.map { exp($0 - top) }
                let total = weights.reduce(0, +)
                for d in 0..<shape.width {
                    var expected = 0.0
                    for t in visible { expected += weights[t] / total * Double(values[t * kvDim + kv * shape.width + d]) }
                    worst = max(worst, abs(Double(out[b * dim + h * shape.width + d]) - expected))
                }
            }
        }
        #expect(worst < 2e-5, "largest difference \(worst)")
    }
}
