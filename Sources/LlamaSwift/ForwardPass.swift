/// What a session needs from the engine that turns tokens into logits: the CPU ``Transformer``
/// (whatever ``Backend`` runs its products) or a whole-model GPU engine.
protocol ForwardPass: AnyObject {
    var configuration: ModelConfiguration { get }
    /// Positions the engine's KV cache holds.
    var contextSize: Int { get }
    /// Bytes of working memory held (KV cache, activations) on the host.
    var byteCount: Int { get }
    /// The logits of the last token evaluated with ``Transformer/Output/last``.
    var logits: UnsafeMutableBufferPointer<Float> { get }
    /// Evaluates `tokens` at positions `start...`, keeping their keys and values, and writes the
    /// logits `output` asks for. Positions at `start` and after are overwritten.
    func evaluate(_ tokens: ArraySlice<Int32>, at start: Int, output: Transformer.Output) throws(LlamaError)
}

extension Transformer: ForwardPass {}

extension ForwardPass {
    /// Evaluates `tokens` from position 0 and returns every position's logits.
    func logitsOfEveryPosition(_ tokens: [Int]) throws(LlamaError) -> [[Float]] {
        guard !tokens.isEmpty else { throw .emptyInput }
        guard tokens.count <= contextSize else { throw .contextOverflow(tokens: tokens.count, contextSize: contextSize) }
        let vocabulary = configuration.vocabularySize
        var rows = [Float](repeating: 0, count: tokens.count * vocabulary)
        let ids = ArraySlice(try tokens.map { (id: Int) throws(LlamaError) -> Int32 in
            guard let narrow = Int32(exactly: id), (0..<vocabulary).contains(id) else {
                throw .invalidToken(id: id, vocabularySize: vocabulary)
            }
            return narrow
        })
        try rows.withUnsafeMutableBufferPointer { (buffer) throws(LlamaError) in
            try evaluate(ids, at: 0, output: .all(buffer.baseAddress!))
        }
        return (0..<tokens.count).map { Array(rows[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
    }
}
