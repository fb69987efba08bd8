extension LlamaSession {
    /// Evaluates `tokens` after the ones already cached and returns the logits of the token that
    /// follows them: with a restored state, the same as evaluating the whole sequence afresh.
    ///
    /// - Throws: ``LlamaError/emptyInput`` for no tokens, ``LlamaError/contextOverflow(tokens:contextSize:)``
    ///   when they do not fit after the cached ones, ``LlamaError/invalidToken(id:vocabularySize:)``.
    public func logits(appending tokens: [Int]) throws(LlamaError) -> [Float] {
        let vocabulary = model.configuration.vocabularySize
        let ids = try tokens.map { (id: Int) throws(LlamaError) -> Int32 in
            guard id >= 0 && id < vocabulary else { throw .invalidToken(id: id, vocabularySize: vocabulary) }
            return Int32(id)
        }
        try transformer.evaluate(ids[...], at: history.count, output: .last)
        history.append(contentsOf: ids)
        return Array(transformer.logits)
    }
}
