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

    /// Words longer than this many bytes merge through a heap instead of repeated scans.
    private static let scanLimit = 256

    /// Reusable memory for one encode call.
    struct Scratch {
        var buffer: [Int32] = []
        var memo: MergeMemo
        var cache: WordCache

        /// Scratch memory for encoding about `inputLength` bytes.
        init(inputLength: Int) {
            memo = MergeMemo(inputLength: inputLength)
            cache = WordCache(inputLength: inputLength)
        }
    }

    func encode(word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout Scratch) {
        guard !word.isEmpty else { return }
        guard word.count <= WordCache.maxWordLength else {
            encodeUncached(word: word, into: &output, scratch: &scratch)
            return
        }
        let hash = TokenLookup.hash(word)
        if scratch.cache.append(word, hash: hash, to: &output) { return }
        let first = output.count
        encodeUncached(word: word, into: &output, scratch: &scratch)
        scratch.cache.insert(word, hash: hash, tokens: output[first...])
    }

    private func encodeUncached(word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout Scratch) {
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

    /// Merges a short word in place: the ids of its symbols, the rank of each adjacent pair's
    /// rule (`Int32.max` when none) and the id that rule makes, in one scratch buffer.
    func mergeByScanning(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout Scratch) {
        let n = word.count
        if scratch.buffer.count < 3 * n { scratch.buffer = [Int32](repeating: 0, count: 3 * Self.scanLimit) }
        scratch.buffer.withUnsafeMutableBufferPointer { buffer in
            let ids = buffer.baseAddress!
            let ranks = ids + n
            let results = ranks + n
            byteTokens.withUnsafeBufferPointer { byteTokens in
                for i in 0..<n { ids[i] = byteTokens[Int(word[i])] }
            }
            @inline(__always) func findRule(_ i: Int) {
                if let rule = scratch.memo.find(ids[i], ids[i + 1], in: merges) {
                    ranks[i] = rule.rank
                    results[i] = rule.result
                } else {
                    ranks[i] = .max
                }
            }
            for i in 0..<(n - 1) { findRule(i) }
            var count = n
            while count > 1 {
                var best = -1
                var bestRank = Int32.max
                for i in 0..<(count - 1) where ranks[i] < bestRank {
                    best = i
                    bestRank = ranks[i]
                }
                guard best >= 0 else { break }
                ids[best] = results[best]
                for i in (best + 1)..<(count - 1) { ids[i] = ids[i + 1] }
                for i in best..<(count - 2) {
                    ranks[i] = ranks[i + 1]
                    results[i] = results[i + 1]
                }
                count -= 1
                if best > 0 { findRule(best - 1) }
                if best < count - 1 { findRule(best) }
            }
            for i in 0..<count where ids[i] >= 0 { output.append(Int(ids[i])) }
        }
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

    /// Merges a long word with a heap of candidate pairs, ordered by rank then position;
    /// a candidate whose symbols have changed since it was queued is skipped.
    func mergeWithHeap(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
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
