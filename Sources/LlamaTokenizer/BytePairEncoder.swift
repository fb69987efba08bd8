/// BPE encoding of one pre-tokenized word: the word starts as the tokens of its bytes
/// (byte-level vocabularies) or of its characters (``PreTokenizer/Spelling/escapedSpaces``),
/// then the adjacent pair with the lowest merge rank is joined (the leftmost on ties) until no
/// rule applies.
struct BytePairEncoder: Sendable {
    /// Tokens keyed by the bytes they stand for.
    let lookup: TokenLookup
    let merges: MergeTable
    /// The token of each single byte, or -1: with byte-level spelling, the symbol a byte starts
    /// as; with escaped spaces, its `<0xNN>` token, written for a character that no token spells.
    let byteTokens: [Int32]
    let spelling: PreTokenizer.Spelling
    /// Which words that are themselves tokens skip the merges.
    let wholeWords: PreTokenizer.WholeWords

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
        if word.count == 1 || isWholeWordCandidate(word), let id = lookup.find(word) {
            output.append(Int(id))
            return
        }
        if word.count <= Self.scanLimit {
            mergeByScanning(word, into: &output, scratch: &scratch)
        } else {
            mergeWithHeap(word, into: &output)
        }
    }

    @inline(__always)
    private func isWholeWordCandidate(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        switch wholeWords {
        case .never: false
        case .always: true
        case .lineFeeds: !word.contains { $0 != 0x0A }
        }
    }

    /// Writes the symbols `word` starts as to `ids` (room for one per byte) and returns how many.
    /// A character no token spells is written as `-1 - offset`, its byte offset in the word.
    @inline(__always)
    private func writeFirstSymbols(_ word: UnsafeBufferPointer<UInt8>, to ids: UnsafeMutablePointer<Int32>) -> Int {
        switch spelling {
        case .byteLevel:
            byteTokens.withUnsafeBufferPointer { byteTokens in
                for i in 0..<word.count { ids[i] = byteTokens[Int(word[i])] }
            }
            return word.count
        case .escapedSpaces:
            var count = 0
            var offset = 0
            while offset < word.count {
                let end = Self.characterEnd(word, offset)
                ids[count] = lookup.find(UnsafeBufferPointer(rebasing: word[offset..<end])) ?? Int32(-1 - offset)
                count += 1
                offset = end
            }
            return count
        }
    }

    /// Where the UTF-8 character starting at `offset` ends (a stray byte stands alone).
    @inline(__always)
    private static func characterEnd(_ word: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
        let lead = word[offset]
        let length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(offset + length, word.count)
    }

    /// Appends the token of a final symbol; one without a token (see `writeFirstSymbols`) is
    /// written as its character's byte tokens with escaped spaces, and dropped otherwise.
    @inline(__always)
    private func emit(_ id: Int32, of word: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
        if id >= 0 {
            output.append(Int(id))
            return
        }
        guard spelling == .escapedSpaces else { return }
        let offset = Int(-1 - id)
        for byte in word[offset..<Self.characterEnd(word, offset)] where byteTokens[Int(byte)] >= 0 {
            output.append(Int(byteTokens[Int(byte)]))
        }
    }

    /// Merges a short word in place: the ids of its symbols, the rank of each adjacent pair's
    /// rule (`Int32.max` when none) and the id that rule makes, in one scratch buffer.
    func mergeByScanning(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch: inout Scratch) {
        if scratch.buffer.count < 3 * word.count { scratch.buffer = [Int32](repeating: 0, count: 3 * Self.scanLimit) }
        scratch.buffer.withUnsafeMutableBufferPointer { buffer in
            let ids = buffer.baseAddress!
            let n = writeFirstSymbols(word, to: ids)
            let ranks = ids + word.count
            let results = ranks + word.count
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
            for i in 0..<count { emit(ids[i], of: word, into: &output) }
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
        var ids = [Int32](unsafeUninitializedCapacity: word.count) { buffer, count in
            count = writeFirstSymbols(word, to: buffer.baseAddress!)
        }
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
            emit(ids[index], of: word, into: &output)
            index = Int(next[index])
        }
    }
}
