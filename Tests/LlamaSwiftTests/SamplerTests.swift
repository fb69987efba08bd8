import Foundation
import Testing
@testable import LlamaSwift

@Suite struct SamplerTests {
    /// Logits whose softmax is known: token i has logit `values[i]`.
    func draw(_ values: [Float], _ parameters: GenerationParameters, times: Int, history: [Int32] = []) -> [Int32] {
        let sampler = Sampler(parameters: parameters, vocabularySize: values.count)
        var logits = values
        return (0..<times).map { _ in
            logits = values
            return logits.withUnsafeMutableBufferPointer { sampler.sample(logits: $0, history: history[...]) }
        }
    }

    func parameters(temperature: Float = 1, topK: Int = 0, topP: Float = 1, minP: Float = 0, seed: UInt64 = 7) -> GenerationParameters {
        var p = GenerationParameters()
        p.temperature = temperature
        p.topK = topK
        p.topP = topP
        p.minP = minP
        p.seed = seed
        return p
    }

    @Test func greedyPicksTheLargestLogit() {
        let picks = draw([0.5, 3, -1, 2.9], parameters(temperature: 0), times: 5)
        #expect(picks == Array(repeating: 1, count: 5))
    }

    @Test func topKOfOneIsGreedy() {
        let picks = draw([0.5, 1, 4, 2.9, 3.5], parameters(topK: 1), times: 50)
        #expect(Set(picks) == [2])
    }

    @Test func topKKeepsOnlyTheKLargest() {
        let picks = draw([0, 1, 2, 3, 4, 5, 6, 7], parameters(topK: 3), times: 2000)
        #expect(Set(picks) == [5, 6, 7])
    }

    @Test func topPKeepsTheSmallestSetReachingP() {
        // Probabilities 0.5, 0.25, 0.125, 0.125: top-p 0.7 needs the first two.
        let logits: [Float] = [3, 2, 1, 1].map { $0 * Float(log(2.0)) }
        let picks = draw(logits, parameters(topP: 0.7), times: 2000)
        #expect(Set(picks) == [0, 1])
    }

    @Test func minPDropsUnlikelyTokens() {
        // Relative probabilities 1, 0.5, 0.25, 0.125: min-p 0.3 keeps two.
        let logits: [Float] = [0, -1, -2, -3].map { $0 * Float(log(2.0)) }
        let picks = draw(logits, parameters(minP: 0.3), times: 2000)
        #expect(Set(picks) == [0, 1])
    }

    @Test func drawsFollowTheSoftmax() {
        let logits: [Float] = [0, Float(log(3.0))]  // probabilities 0.25, 0.75
        let picks = draw(logits, parameters(), times: 20000)
        let share = Double(picks.filter { $0 == 1 }.count) / Double(picks.count)
        #expect(abs(share - 0.75) < 0.02)
    }

    @Test func lowTemperatureSharpensTheDistribution() {
        let logits: [Float] = [0, Float(log(3.0))]
        let picks = draw(logits, parameters(temperature: 0.2), times: 5000)
        let share = Double(picks.filter { $0 == 1 }.count) / Double(picks.count)
        // 3^5 : 1 gives about 0.996.
        #expect(share > 0.98)
    }

    @Test func sameSeedSameDrawsDifferentSeedDifferentDraws() {
        let logits: [Float] = (0..<50).map { Float($0 % 7) }
        let a = draw(logits, parameters(seed: 1), times: 200)
        let b = draw(logits, parameters(seed: 1), times: 200)
        let c = draw(logits, parameters(seed: 2), times: 200)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func repetitionPenaltyDemotesRecentTokens() {
        var p = parameters(temperature: 0)
        p.repetitionPenalty = 2
        p.repeatLastN = 2
        // Token 0 (logit 3, divided to 1.5) loses to token 1 (2); token 2 (negative) gets more negative.
        #expect(draw([3, 2, -1], p, times: 1, history: [0]) == [1])
        // Outside the window of the last 2 tokens the penalty does not apply.
        #expect(draw([3, 2, -1], p, times: 1, history: [0, 2, 2]) == [0])
    }

    @Test func frequencyAndPresencePenaltiesSubtract() {
        var p = parameters(temperature: 0)
        p.frequencyPenalty = 0.4
        p.repeatLastN = -1
        // Token 0 seen three times: 3 - 1.2 = 1.8 < 2.
        #expect(draw([3, 2], p, times: 1, history: [0, 0, 0]) == [1])
        #expect(draw([3, 2], p, times: 1, history: [0, 0]) == [0])
        p.frequencyPenalty = 0
        p.presencePenalty = 1.5
        #expect(draw([3, 2], p, times: 1, history: [0]) == [1])
    }
}

@Suite struct SeededGeneratorTests {
    @Test func isDeterministicPerSeed() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<100).map { _ in a.next() }
        #expect(sa == (0..<100).map { _ in b.next() })
        #expect(sa != (0..<100).map { _ in c.next() })
    }

    @Test func unitFloatsAreInRangeAndSpread() {
        var g = SeededGenerator(seed: 0)
        let values = (0..<10000).map { _ in g.nextUnitFloat() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0, +) / Float(values.count)
        #expect(abs(mean - 0.5) < 0.02)
    }
}
