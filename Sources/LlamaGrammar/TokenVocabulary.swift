/// A model's vocabulary arranged as a byte trie, built once and shared by every matcher.
///
/// Nodes are stored in preorder with each node's subtree end, so the allowed-token walk is a
/// forward scan that skips a whole subtree as soon as its prefix is rejected: tokens sharing a
/// prefix are matched against the grammar once for that prefix.
public struct TokenVocabulary: Sendable {
    /// The number of token ids.
    public let count: Int
    /// Token ids that end generation; allowed only where the grammar is complete.
    public let endOfGeneration: [Int]

    // Node 0 is the root (the empty prefix). For node i > 0: the byte on the edge into it, its
    // depth, the index just past its subtree, and the tokens spelled by the path to it
    // (tokenIDs[tokenStart[i]..<tokenStart[i + 1]]).
    let nodeByte: [UInt8]
    let nodeDepth: [UInt16]
    let subtreeEnd: [Int32]
    let tokenStart: [Int32]
    let tokenIDs: [Int32]
    let maxDepth: Int
    let tokenBytes: [[UInt8]]
    let isEndOfGeneration: [Bool]
    let isControl: [Bool]

    /// Builds the trie.
    ///
    /// - Parameters:
    ///   - tokens: each token id's bytes, as the model's detokenizer produces them.
    ///   - endOfGeneration: ids that end generation (EOS, EOT): allowed only where the grammar is complete.
    ///   - control: other special tokens, never allowed. Tokens with no bytes are never allowed either.
    public init(tokens: [[UInt8]], endOfGeneration: some Sequence<Int>, control: some Sequence<Int> = [Int]()) {
        count = tokens.count
        var eog = [Bool](repeating: false, count: tokens.count)
        for id in endOfGeneration where tokens.indices.contains(id) { eog[id] = true }
        var excluded = eog
        for id in control where tokens.indices.contains(id) { excluded[id] = true }
        self.endOfGeneration = eog.indices.filter { eog[$0] }
        isEndOfGeneration = eog
        isControl = excluded.indices.map { excluded[$0] && !eog[$0] }
        tokenBytes = tokens

        let order = tokens.indices.filter { !excluded[$0] && !tokens[$0].isEmpty }
            .sorted { tokens[$0].lexicographicallyPrecedes(tokens[$1]) }
        var bytes: [UInt8] = [0]
        var depths: [UInt16] = [0]
        var ends: [Int32] = [0]
        var owner: [Int32] = []   // the node of each entry of `ids`, in preorder
        var ids: [Int32] = []
        var path: [Int32] = [0]   // nodes on the path to the previous token; path[d] at depth d
        var previous: [UInt8] = []
        var deepest = 0
        for id in order {
            let t = tokens[id]
            var common = 0
            while common < min(t.count, previous.count), t[common] == previous[common] { common += 1 }
            // Close the subtrees that this token leaves.
            while path.count > common + 1 {
                ends[Int(path.removeLast())] = Int32(bytes.count)
            }
            for d in common..<t.count {
                path.append(Int32(bytes.count))
                bytes.append(t[d])
                depths.append(UInt16(d + 1))
                ends.append(0)
            }
            owner.append(path[t.count])
            ids.append(Int32(id))
            deepest = max(deepest, t.count)
            previous = t
        }
        while let node = path.popLast() { ends[Int(node)] = Int32(bytes.count) }
        // Tokens were visited in lexicographic order, which is preorder of their nodes, so
        // `owner` is nondecreasing and the per-node ranges can be read off directly.
        var starts = [Int32](repeating: 0, count: bytes.count + 1)
        for node in owner { starts[Int(node) + 1] += 1 }
        for i in 0..<bytes.count { starts[i + 1] += starts[i] }
        nodeByte = bytes
        nodeDepth = depths
        subtreeEnd = ends
        tokenStart = starts
        tokenIDs = ids
        maxDepth = deepest
    }

    /// The bytes of token `id`.
    public func bytes(of id: Int) -> [UInt8] { tokenBytes[id] }

    /// Whether `id` ends generation.
    public func isEndOfGeneration(_ id: Int) -> Bool { isEndOfGeneration.indices.contains(id) && isEndOfGeneration[id] }

    /// Whether `id` is a special token that is never allowed.
    public func isControl(_ id: Int) -> Bool { isControl.indices.contains(id) && isControl[id] }

    /// The number of trie nodes, the root included.
    public var nodeCount: Int { nodeByte.count }
}

/// The set of token ids allowed next, as a bit set over the vocabulary.
public struct TokenMask: Sendable, Equatable {
    /// The vocabulary size.
    public let count: Int
    /// Bit `id % 64` of word `id / 64` is set when token `id` is allowed.
    public internal(set) var words: [UInt64]

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    /// Whether token `id` is allowed.
    @inlinable
    public func contains(_ id: Int) -> Bool {
        id >= 0 && id < count && words[id >> 6] & (1 << UInt64(id & 63)) != 0
    }

    mutating func insert(_ id: Int) {
        words[id >> 6] |= 1 << UInt64(id & 63)
    }

    /// How many tokens are allowed.
    public var allowedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The allowed ids in increasing order.
    public var allowedTokenIDs: [Int] {
        var out: [Int] = []
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                out.append(w * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return out
    }

    /// Sets the logit of every disallowed token to minus infinity.
    public func apply(to logits: inout [Float]) {
        logits.withUnsafeMutableBufferPointer { apply(to: $0) }
    }

    /// Sets the logit of every disallowed token to minus infinity; `logits` has at least `count` entries.
    public func apply(to logits: UnsafeMutableBufferPointer<Float>) {
        precondition(logits.count >= count, "the logits are shorter than the vocabulary")
        for id in 0..<count where words[id >> 6] & (1 << UInt64(id & 63)) == 0 {
            logits[id] = -.infinity
        }
    }
}
