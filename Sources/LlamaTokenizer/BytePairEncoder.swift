/// Byte-level BPE (`gpt2`) encoding of one pre-tokenized word: the word's bytes start as the
/// tokens of their GPT-2 byte characters, then the adjacent pair with the lowest merge rank is
/// joined (the leftmost on ties) until no rule applies.
struct BytePairEncoder: Sendable {
    /// Tokens keyed by the bytes they stand for.
    let lookup: TokenLookup
    let merges: MergeTable
    /// The token of each single byte, or -1.
    let byteTokens: [Int32]
    /// Emit a word that is itself a token without merging (llama.cpp's `ignore_merges`, LLaMA 3).
    let ignoreMerges: Bool

    /// Words longer than this merge through a heap instead of repeated scans.
    private static let scanLimit = 48

    /// Reusable buffers for one encode call.
    struct Scratch {
        var ids: [Int32] = []
        var ranks: [Int32] = []
        var results: [Int32] = []
    }

    func encode(word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout Scratch) {
        if ignoreMerges || word.count == 1, let id = lookup.find(word) {
            output.append(Int(id))
            return
        }
        if word.count <= Self.scanLimit {
            mergeByScanning(word, into: &output, scratch: &scratch)
        } else {
            mergeWithHeap(word, into: &output)
        }
    }

    private func mergeByScanning(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout Scratch) {
        scratch.ids.removeAll(keepingCapacity: true)
        scratch.ranks.removeAll(keepingCapacity: true)
        scratch.results.removeAll(keepingCapacity: true)
        for byte in word { scratch.ids.append(byteTokens[Int(byte)]) }
        for i in 0..<(scratch.ids.count - 1) {
            let rule = merges.find(scratch.ids[i], scratch.ids[i + 1])
            scratch.ranks.append(rule?.rank ?? .max)
            scratch.results.append(rule?.result ?? -1)
        }
        while true {
            var best = -1
            var bestRank = Int32.max
            for i in 0..<scratch.ranks.count where scratch.ranks[i] < bestRank {
                best = i
                bestRank = scratch.ranks[i]
            }
            guard best >= 0 else { break }
            scratch.ids[best] = scratch.results[best]
            scratch.ids.remove(at: best + 1)
            scratch.ranks.remove(at: best)
            scratch.results.remove(at: best)
            if best > 0 {
                let rule = merges.find(scratch.ids[best - 1], scratch.ids[best])
                scratch.ranks[best - 1] = rule?.rank ?? .max
                scratch.results[best - 1] = rule?.result ?? -1
            }
            if best < scratch.ranks.count {
                let rule = merges.find(scratch.ids[best], scratch.ids[best + 1])
                scratch.ranks[best] = rule?.rank ?? .max
                scratch.results[best] = rule?.result ?? -1
            }
        }
        for id in scratch.ids where id >= 0 { output.append(Int(id)) }
    }

    private struct Candidate: MergeCandidate {
        var rank: Int32
        var left: Int32
        var right: Int32
        var leftID: Int32
        var rightID: Int32
        var result: Int32
        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            rank < other.rank || (rank == other.rank && left < other.left)
        }
    }

    private func mergeWithHeap(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
        var ids = word.map { byteTokens[Int($0)] }
        let n = ids.count
        var next = (0..<n).map { Int32($0 + 1 < n ? $0 + 1 : -1) }
        var prev = (0..<n).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: n)
        var queue = MergeQueue<Candidate>()
        func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let leftID = ids[Int(left)]
            let rightID = ids[Int(right)]
            guard let rule = merges.find(leftID, rightID) else { return }
            queue.push(Candidate(rank: rule.rank, left: left, right: right, leftID: leftID, rightID: rightID, result: rule.result))
        }
        for i in 1..<n { consider(Int32(i - 1), Int32(i)) }
        while let candidate = queue.pop() {
            let left = Int(candidate.left)
            let right = Int(candidate.right)
            guard alive[left], alive[right], ids[left] == candidate.leftID, ids[right] == candidate.rightID else { continue }
            ids[left] = candidate.result
            alive[right] = false
            next[left] = next[right]
            if next[right] >= 0 { prev[Int(next[right])] = Int32(left) }
            consider(prev[left], Int32(left))
            consider(Int32(left), next[left])
        }
        var index = 0
        while index >= 0 {
            if ids[index] >= 0 { output.append(Int(ids[index])) }
            index = Int(next[index])
        }
    }
}
