/// SentencePiece-style (`llama`) encoding: the text, spaces escaped as `▁`, starts as one symbol
/// per UTF-8 character; the adjacent pair whose concatenation is the vocabulary entry with the
/// highest score merges first (the leftmost pair on ties) until no pair forms a token. Symbols
/// that are not tokens become byte tokens `<0xNN>`.
struct SentencePieceEncoder: Sendable {
    let lookup: TokenLookup
    let scores: [Float]
    /// The `<0xNN>` token of each byte, or the unknown token, or -1.
    let byteTokens: [Int32]

    private struct Candidate: MergeCandidate {
        var score: Float
        var left: Int32
        var right: Int32
        var size: Int32
        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }

    /// Appends the tokens of `text` (already escaped) to `output`.
    func encode(escaped text: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
        let n = text.count
        guard n > 0 else { return }
        var start: [Int32] = []
        var length: [Int32] = []
        var next: [Int32] = []
        var prev: [Int32] = []
        start.reserveCapacity(n)
        length.reserveCapacity(n)
        var offset = 0
        while offset < n {
            let lead = text[offset]
            let charLength = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4  // by lead byte, as llama.cpp
            let size = min(charLength, n - offset)
            prev.append(Int32(start.count) - 1)
            start.append(Int32(offset))
            length.append(Int32(size))
            offset += size
            next.append(offset == n ? -1 : Int32(start.count))
        }

        var queue = MergeQueue<Candidate>()
        func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let from = Int(start[Int(left)])
            let size = Int(length[Int(left)] + length[Int(right)])
            let span = UnsafeBufferPointer(rebasing: text[from..<(from + size)])
            guard let id = lookup.find(span) else { return }
            queue.push(Candidate(score: scores[Int(id)], left: left, right: right, size: Int32(size)))
        }
        for i in 1..<start.count { consider(Int32(i - 1), Int32(i)) }

        while let candidate = queue.pop() {
            let left = Int(candidate.left)
            let right = Int(candidate.right)
            guard length[left] > 0, length[right] > 0, length[left] + length[right] == candidate.size else { continue }
            length[left] += length[right]
            length[right] = 0
            next[left] = next[right]
            if next[right] >= 0 { prev[Int(next[right])] = Int32(left) }
            consider(prev[left], Int32(left))
            consider(Int32(left), next[left])
        }

        var index = 0
        while index >= 0 {
            let from = Int(start[index])
            let span = UnsafeBufferPointer(rebasing: text[from..<(from + Int(length[index]))])
            if let id = lookup.find(span) {
                output.append(Int(id))
            } else {
                for byte in span where byteTokens[Int(byte)] >= 0 {
                    output.append(Int(byteTokens[Int(byte)]))
                }
            }
            index = Int(next[index])
        }
    }

    /// `text` with a leading space when asked, and every space replaced by `▁` (U+2581).
    static func escape(_ text: UnsafeBufferPointer<UInt8>, prefixSpace: Bool) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count + 16)
        if prefixSpace { result.append(contentsOf: [0xE2, 0x96, 0x81]) }
        for byte in text {
            if byte == 0x20 {
                result.append(contentsOf: [0xE2, 0x96, 0x81])
            } else {
                result.append(byte)
            }
        }
        return result
    }
}
