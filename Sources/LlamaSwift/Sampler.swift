import Foundation

/// Picks the next token from a row of logits according to ``GenerationParameters``.
///
/// All working memory is allocated once, at the vocabulary's size, so sampling a token allocates
/// nothing. The order of the steps follows llama.cpp: penalties, top-k, top-p, min-p, temperature.
final class Sampler {
    let parameters: GenerationParameters
    private var generator: SeededGenerator
    private var ids: [Int32]
    private var values: [Float]
    private var counts: [Int32]

    /// A sampler for a vocabulary of `vocabularySize` tokens; a `nil` seed in `parameters` is
    /// replaced by a random one.
    init(parameters: GenerationParameters, vocabularySize: Int) {
        self.parameters = parameters
        generator = SeededGenerator(seed: parameters.seed ?? UInt64.random(in: .min ... .max))
        ids = Array(repeating: 0, count: vocabularySize)
        values = Array(repeating: 0, count: vocabularySize)
        counts = Array(repeating: 0, count: vocabularySize)
    }

    /// The chosen token from a row of logits held in an array (modified as below).
    func sample(logits: inout [Float], history: ArraySlice<Int32>) -> Int32 {
        logits.withUnsafeMutableBufferPointer { sample(logits: $0, history: history) }
    }

    /// The chosen token. `logits` is modified (penalties are applied in place); `history` holds
    /// every token seen so far, the newest last.
    func sample(logits: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) -> Int32 {
        applyPenalties(to: logits, history: history)
        if parameters.temperature == 0 { return argmax(logits) }
        let vocabularySize = logits.count
        let k = parameters.topK == 0 ? vocabularySize : min(parameters.topK, vocabularySize)
        selectLargest(k, of: logits)

        // Softmax of the survivors (sorted, largest first), then the top-p and min-p cuts.
        var kept = k
        let largest = values[0]
        var total: Float = 0
        for i in 0..<k { total += exp(values[i] - largest) }
        if parameters.topP < 1 {
            var cumulative: Float = 0
            for i in 0..<k {
                cumulative += exp(values[i] - largest) / total
                if cumulative >= parameters.topP { kept = i + 1; break }
            }
        }
        if parameters.minP > 0 {
            let threshold = largest + log(parameters.minP)
            var i = 1
            while i < kept && values[i] >= threshold { i += 1 }
            kept = i
        }

        // Temperature, then one draw.
        let inverseTemperature = 1 / parameters.temperature
        var sum: Float = 0
        for i in 0..<kept {
            values[i] = exp((values[i] - largest) * inverseTemperature)
            sum += values[i]
        }
        let target = generator.nextUnitFloat() * sum
        var running: Float = 0
        for i in 0..<kept {
            running += values[i]
            if target < running { return ids[i] }
        }
        return ids[kept - 1]
    }

    /// Repetition penalty (divide positive logits, multiply negative ones), then frequency and
    /// presence penalties, for every distinct token in the window.
    private func applyPenalties(to logits: UnsafeMutableBufferPointer<Float>, history: ArraySlice<Int32>) {
        let p = parameters
        guard p.repeatLastN != 0,
              p.repetitionPenalty != 1 || p.frequencyPenalty != 0 || p.presencePenalty != 0
        else { return }
        let window = p.repeatLastN < 0 ? history : history.suffix(p.repeatLastN)
        for token in window where Int(token) < logits.count { counts[Int(token)] += 1 }
        for token in window where Int(token) < logits.count {
            let t = Int(token)
            let count = counts[t]
            guard count > 0 else { continue }  // already penalised
            var logit = logits[t]
            logit = logit > 0 ? logit / p.repetitionPenalty : logit * p.repetitionPenalty
            logit -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[t] = logit
            counts[t] = 0
        }
    }

    private func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return Int32(best)
    }

    /// Leaves the `k` largest logits and their ids in `values[0..<k]` / `ids[0..<k]`, largest
    /// first: a min-heap of size `k` over all logits, then an in-place heap sort.
    private func selectLargest(_ k: Int, of logits: UnsafeMutableBufferPointer<Float>) {
        var size = 0
        for i in 0..<logits.count {
            let v = logits[i]
            if size < k {
                values[size] = v
                ids[size] = Int32(i)
                size += 1
                siftUp(size - 1)
            } else if v > values[0] {
                values[0] = v
                ids[0] = Int32(i)
                siftDown(0, count: size)
            }
        }
        // Popping the minimum to the end each time leaves the array sorted largest first.
        var end = size - 1
        while end > 0 {
            values.swapAt(0, end)
            ids.swapAt(0, end)
            siftDown(0, count: end)
            end -= 1
        }
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard values[child] < values[parent] else { return }
            values.swapAt(child, parent)
            ids.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int, count: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            if left + 1 < count && values[left + 1] < values[left] { smallest = left + 1 }
            guard values[smallest] < values[parent] else { return }
            values.swapAt(smallest, parent)
            ids.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
