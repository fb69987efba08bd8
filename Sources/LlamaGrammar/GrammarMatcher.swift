/// Matches generated text against a grammar, one token at a time.
///
/// A matcher is a small value: copying it copies the position in the grammar, so a copy is a
/// checkpoint to return to. Copies share one cache of states (a reference type, which is why
/// the matcher is not `Sendable`); use each matcher, and its copies, from one task at a time.
///
/// ```swift
/// let vocabulary = TokenVocabulary(tokens: tokenBytes, endOfGeneration: [eos])  // once per model
/// var matcher = try GrammarMatcher(gbnf: text)
/// let mask = try matcher.allowedTokens(in: vocabulary)   // before sampling
/// mask.apply(to: &logits)
/// _ = try matcher.accept(token: sampled, in: vocabulary)   // after sampling
/// if matcher.isFinished { stop }
/// ```
public struct GrammarMatcher {
    let engine: MatcherEngine
    private var state: Int32
    /// Whether an end-of-generation token was accepted.
    public private(set) var isFinished = false

    /// A matcher at the start of `grammar`.
    public init(_ grammar: CompiledGrammar) throws(GrammarError) {
        engine = try MatcherEngine(grammar)
        state = engine.initialState
    }

    /// A matcher for GBNF text.
    public init(gbnf: String, limits: GrammarLimits = GrammarLimits()) throws(GrammarError) {
        try self.init(CompiledGrammar(gbnf: gbnf, limits: limits))
    }

    /// A matcher for the JSON values a JSON Schema accepts, given as JSON text.
    public init(jsonSchema: String, limits: GrammarLimits = GrammarLimits()) throws(GrammarError) {
        try self.init(CompiledGrammar(Grammar(jsonSchemaText: jsonSchema), limits: limits))
    }

    /// Whether the text so far is a complete sentence of the grammar (generation may stop).
    public var isComplete: Bool { engine.isAccepting(state) }

    /// Whether the text so far has no continuation other than ending (or one was accepted).
    public var mustEnd: Bool {
        guard !isFinished else { return true }
        guard isComplete else { return false }
        for byte in 0...UInt8.max {
            let next = (try? engine.next(state, byte)) ?? MatcherEngine.dead
            if next != MatcherEngine.dead { return false }
        }
        return true
    }

    /// Advances over `bytes` if the grammar allows them; otherwise returns false and stays put.
    ///
    /// The bytes may end inside a multi-byte UTF-8 character; the next call continues it.
    /// - Throws: ``GrammarError/tooManyStacks(limit:)`` or ``GrammarError/tooManyStates(limit:)``.
    @discardableResult
    public mutating func accept(bytes: some Sequence<UInt8>) throws(GrammarError) -> Bool {
        guard !isFinished else { return false }
        var s = state
        for byte in bytes {
            s = try engine.next(s, byte)
            if s == MatcherEngine.dead { return false }
        }
        state = s
        return true
    }

    /// Advances over the UTF-8 of `text` if the grammar allows it.
    @discardableResult
    public mutating func accept(_ text: String) throws(GrammarError) -> Bool {
        try accept(bytes: text.utf8)
    }

    /// Advances over token `id`: an end-of-generation token is accepted only where the grammar
    /// is complete, and finishes the matcher; a control token is never accepted; other tokens
    /// advance over their bytes.
    @discardableResult
    public mutating func accept(token id: Int, in vocabulary: TokenVocabulary) throws(GrammarError) -> Bool {
        guard id >= 0, id < vocabulary.count else { throw .unknownToken(id) }
        if vocabulary.isEndOfGeneration(id) {
            guard isComplete, !isFinished else { return false }
            isFinished = true
            return true
        }
        guard !vocabulary.isControl(id), !isFinished else { return false }
        let bytes = vocabulary.bytes(of: id)
        guard !bytes.isEmpty else { return false }
        return try accept(bytes: bytes)
    }

    /// Whether token `id` may come next (as ``accept(token:in:)`` would take it), leaving the
    /// matcher where it is: one token's bytes, far cheaper than the whole mask.
    public func allows(token id: Int, in vocabulary: TokenVocabulary) throws(GrammarError) -> Bool {
        var probe = self
        return try probe.accept(token: id, in: vocabulary)
    }

    /// The tokens that may come next: those whose bytes continue the grammar, and the
    /// end-of-generation tokens where the grammar is complete. Empty once finished.
    public func allowedTokens(in vocabulary: TokenVocabulary) throws(GrammarError) -> TokenMask {
        var mask = TokenMask(count: vocabulary.count)
        guard !isFinished else { return mask }
        if isComplete {
            for id in vocabulary.endOfGeneration { mask.insert(id) }
        }
        try walk(vocabulary, from: state, into: &mask)
        return mask
    }

    /// Scans the trie in preorder, holding the state at each depth of the current path.
    private func walk(_ vocabulary: TokenVocabulary, from start: Int32, into mask: inout TokenMask) throws(GrammarError) {
        let engine = engine
        var depthState = [Int32](repeating: MatcherEngine.dead, count: vocabulary.maxDepth + 1)
        depthState[0] = start
        let nodeCount = vocabulary.nodeByte.count
        try vocabulary.nodeByte.withUnsafeBufferPointer { (bytes) throws(GrammarError) in
            try vocabulary.nodeDepth.withUnsafeBufferPointer { (depths) throws(GrammarError) in
                try vocabulary.subtreeEnd.withUnsafeBufferPointer { (ends) throws(GrammarError) in
                    try vocabulary.tokenStart.withUnsafeBufferPointer { (starts) throws(GrammarError) in
                        try mask.words.withUnsafeMutableBufferPointer { (words) throws(GrammarError) in
                            try depthState.withUnsafeMutableBufferPointer { (states) throws(GrammarError) in
                                var table = engine.table
                                var node = 1
                                while node < nodeCount {
                                    let depth = Int(depths[node])
                                    let from = states[depth - 1]
                                    var to = table[Int(from) &* 256 &+ Int(bytes[node])]
                                    if to == MatcherEngine.unknown {
                                        to = try engine.next(from, bytes[node])
                                        table = engine.table
                                    }
                                    if to == MatcherEngine.dead {
                                        node = Int(ends[node])
                                        continue
                                    }
                                    states[depth] = to
                                    var t = Int(starts[node])
                                    let last = Int(starts[node + 1])
                                    while t < last {
                                        let id = Int(vocabulary.tokenIDs[t])
                                        words[id >> 6] |= 1 << UInt64(id & 63)
                                        t += 1
                                    }
                                    node += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
