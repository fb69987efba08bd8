/// The special tokens after which llama.cpp drops the input's whitespace (its `RSTRIP` token
/// attribute, from Hugging Face's `rstrip`), which it decides by model name: for Phi-3, every
/// special token except `<unk>`, `<s>` and `<|endoftext|>`, so that `<|user|>\nHi<|end|>\n`
/// reads as `<|user|>`, `Hi`, `<|end|>`.
enum RightStrippedTokens {
    /// The ids for a model whose `general.name` is `modelName`, among tokens of `types`.
    static func ids(modelName: String?, texts: [String], types: [TokenType]) -> Set<Int> {
        guard let name = modelName?.lowercased(), name.contains("phi-3") || name.contains("phi3") else { return [] }
        let kept: Set<String> = ["<unk>", "<s>", "<|endoftext|>"]
        var ids: Set<Int> = []
        for (id, type) in types.enumerated() where type.isSpecial && !kept.contains(texts[id]) {
            ids.insert(id)
        }
        return ids
    }
}
