/// SentencePiece-style (`llama`) encoding: the text, spaces escaped as `▁`, starts as one symbol
/// per UTF-8 character; the adjacent pair whose concatenation is the vocabulary entry with the
/// highest score merges first (the leftmost pair on ties) until no pair forms a token. Symbols
/// that are not tokens become byte tokens `<0xNN>`.
struct SentencePieceEncoder: Sendable {
    let lookup: TokenLookup
    let scores: [Float]
    /// The `<0xNN>` token of each byte, or the unknown token, or -1.
    let byteTokens: [Int32]
    /// Character pairs that tokens contain; the text is merged piecewise between the others.
    let pairs: ScalarPairSet

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
    ///
    /// The text is cut between neighbouring characters that no token contains side by side
    /// (see ``ScalarPairSet``); each piece merges on its own, with the same result as merging
    /// the whole text at once but with small queues.
    func encode(escaped text: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
        var scratch = Scratch()
        var pieceStart = 0
        var previous: UInt32?
        var offset = 0
        while offset < text.count {
            let (scalar, size) = Self.character(text, at: offset)
            if offset > 0, let previous, let scalar, !pairs.contains(previous, scalar) {
                encodePiece(UnsafeBufferPointer(rebasing: text[pieceStart..<offset]), into: &output, scratch: &scratch)
                pieceStart = offset
            }
            previous = scalar
            offset += size
        }
        encodePiece(UnsafeBufferPointer(rebasing: text[pieceStart..<text.count]), into: &output, scratch: &scratch)
    }

    /// The length of the symbol that starts with `lead`: the UTF-8 sequence length its high bits
    /// announce, and 1 for a stray continuation byte, as llama.cpp splits.
    @inline(__always)
    private static func symbolLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// The symbol at `offset`: its length (see `symbolLength`), and its scalar when those bytes
    /// are valid UTF-8.
    @inline(__always)
    private static func character(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) -> (UInt32?, Int) {
        let lead = text[offset]
        let length = min(symbolLength(lead), text.count - offset)
        if lead < 0x80 { return (UInt32(lead), 1) }
        guard lead >= 0xC2, lead < 0xF5, length == symbolLength(lead) else { return (nil, length) }
        var value = UInt32(lead) & (lead < 0xE0 ? 0x1F : lead < 0xF0 ? 0x0F : 0x07)
        for i in 1..<length {
            let byte = text[offset + i]
            guard byte & 0xC0 == 0x80 else { return (nil, length) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    /// The symbols of one piece as a linked list (byte start, byte length, neighbours) and the
    /// queue of candidate merges; kept between pieces to reuse their memory.
    private struct Scratch {
        var start: [Int32] = []
        var length: [Int32] = []
        var next: [Int32] = []
        var prev: [Int32] = []
        var queue = MergeQueue<Candidate>()
    }

    /// Merges one piece of escaped text and appends its tokens.
    private func encodePiece(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int], scratch s: inout Scratch) {
        let n = text.count
        guard n > 0 else { return }
        s.start.removeAll(keepingCapacity: true)
        s.length.removeAll(keepingCapacity: true)
        s.next.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.queue.removeAll()
        var offset = 0
        while offset < n {
            let size = min(Self.symbolLength(text[offset]), n - offset)
            s.prev.append(Int32(s.start.count) - 1)
            s.start.append(Int32(offset))
            s.length.append(Int32(size))
            offset += size
            s.next.append(offset == n ? -1 : Int32(s.start.count))
        }

        func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let from = Int(s.start[Int(left)])
            let size = Int(s.length[Int(left)] + s.length[Int(right)])
            let span = UnsafeBufferPointer(rebasing: text[from..<(from + size)])
            guard let id = lookup.find(span) else { return }
            s.queue.push(Candidate(score: scores[Int(id)], left: left, right: right, size: Int32(size)))
        }
        for i in 1..<s.start.count { consider(Int32(i - 1), Int32(i)) }

        while let candidate = s.queue.pop() {
            let left = Int(candidate.left)
            let right = Int(candidate.right)
            guard s.length[left] > 0, s.length[right] > 0, s.length[left] + s.length[right] == candidate.size else { continue }
            s.length[left] += s.length[right]
            s.length[right] = 0
            s.next[left] = s.next[right]
            if s.next[right] >= 0 { s.prev[Int(s.next[right])] = Int32(left) }
            consider(s.prev[left], Int32(left))
            consider(Int32(left), s.next[left])
        }

        var index = 0
        while index >= 0 {
            let from = Int(s.start[index])
            let span = UnsafeBufferPointer(rebasing: text[from..<(from + Int(s.length[index]))])
            if let id = lookup.find(span) {
                output.append(Int(id))
            } else {
                for byte in span where byteTokens[Int(byte)] >= 0 {
                    output.append(Int(byteTokens[Int(byte)]))
                }
            }
            index = Int(s.next[index])
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
