import Foundation

/// Rotary position embedding as GGUF LLaMA files expect it (llama.cpp's "normal" mode): within
/// each head, the pairs of adjacent elements `(2i, 2i+1)` for `i < dimensions/2` are rotated by
/// `position × base^(-2i/dimensions)`, that angle divided by `factors[i]` when the file has a
/// `rope_freqs.weight` tensor (LLaMA 3.1/3.2 long-context scaling). The converter permuted the
/// Q and K weights so that this pairing matches the original model's.
///
/// The cosines and sines of every position up to the context size are computed once.
struct RotaryEmbedding {
    let pairs: Int
    private let cosines: [Float]
    private let sines: [Float]

    init(dimensions: Int, base: Float, factors: [Float]?, positions: Int) {
        pairs = dimensions / 2
        var cosines = [Float](repeating: 0, count: positions * pairs)
        var sines = cosines
        for i in 0..<pairs {
            var frequency = pow(Double(base), -2 * Double(i) / Double(dimensions))
            if let factors { frequency /= Double(factors[i]) }
            for p in 0..<positions {
                let angle = Double(p) * frequency
                cosines[p * pairs + i] = Float(cos(angle))
                sines[p * pairs + i] = Float(sin(angle))
            }
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Rotates `heads` consecutive heads of width `headDimension` in place for `position`.
    func apply(to vector: UnsafeMutablePointer<Float>, heads: Int, headDimension: Int, position: Int) {
        cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                let row = position * pairs
                for h in 0..<heads {
                    let head = vector + h * headDimension
                    for i in 0..<pairs {
                        let c = cosines[row + i], s = sines[row + i]
                        let x0 = head[2 * i], x1 = head[2 * i + 1]
                        head[2 * i] = x0 * c - x1 * s
                        head[2 * i + 1] = x0 * s + x1 * c
                    }
                }
            }
        }
    }
}
