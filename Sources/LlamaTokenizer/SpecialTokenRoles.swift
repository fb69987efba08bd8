/// The roles llama.cpp gives tokens by their text when the metadata does not name them:
/// end of turn, end of message, the fill-in-the-middle tokens, and the set of tokens that end
/// generation. Every token recognised this way is treated as a control token, except that
/// `</s>` is an ordinary word in vocabularies that also hold Gemma 4's or PLaMo's markers.
struct SpecialTokenRoles {
    static let endOfTurnTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>",
        "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    static let endOfMessageTexts = ["<|eom_id|>"]
    static let fillInMiddleTexts: [(key: String, texts: [String])] = [
        ("tokenizer.ggml.fim_pre_token_id",
         ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]),
        ("tokenizer.ggml.fim_suf_token_id",
         ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]),
        ("tokenizer.ggml.fim_mid_token_id",
         ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]),
    ]
    /// Fill-in-the-middle tokens that also end generation: pad, repository, file separator.
    static let endingFillInMiddleTexts: [(key: String, texts: [String])] = [
        ("tokenizer.ggml.fim_pad_token_id", ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]),
        ("tokenizer.ggml.fim_rep_token_id", ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]),
        ("tokenizer.ggml.fim_sep_token_id", ["<|file_sep|>"]),
    ]
    static let endOfGenerationTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// End-of-generation tokens whose presence makes `</s>` an ordinary word (Gemma 4, PLaMo),
    /// where other vocabularies would end generation at it.
    static let plainEndOfSentenceMarkers = ["<|tool_response>", "<|plamo:eos|>"]

    let endOfTurn: Int?
    let endOfMessage: Int?
    let endOfGeneration: Set<Int>
    /// Tokens that must be control tokens whatever their declared type.
    let control: Set<Int>
    /// Tokens that must be normal tokens whatever their declared type.
    let normal: Set<Int>

    /// Finds the roles in `tokens`, preferring ids the metadata names (`metadataID` gives a
    /// key's id when present and inside the vocabulary).
    init(tokens: [String], eos: Int?, metadataID: (String) throws(TokenizerError) -> Int?) throws(TokenizerError) {
        let wanted = Set(Self.endOfTurnTexts + Self.endOfMessageTexts + Self.endOfGenerationTexts
            + (Self.fillInMiddleTexts + Self.endingFillInMiddleTexts).flatMap(\.texts) + Self.plainEndOfSentenceMarkers)
        var idForText: [String: Int] = [:]
        for (id, text) in tokens.enumerated() where wanted.contains(text) { idForText[text] = id }

        var control: Set<Int> = []
        func find(_ key: String, _ texts: [String]) throws(TokenizerError) -> Int? {
            if let id = try metadataID(key) { return id }
            guard let id = texts.lazy.compactMap({ idForText[$0] }).first else { return nil }
            control.insert(id)
            return id
        }
        endOfTurn = try find("tokenizer.ggml.eot_token_id", Self.endOfTurnTexts)
        endOfMessage = try find("tokenizer.ggml.eom_token_id", Self.endOfMessageTexts)
        for role in Self.fillInMiddleTexts { _ = try find(role.key, role.texts) }
        var ending: Set<Int> = []
        for role in Self.endingFillInMiddleTexts {
            if let id = try find(role.key, role.texts) { ending.insert(id) }
        }
        for text in Self.endOfGenerationTexts {
            if let id = idForText[text] {
                ending.insert(id)
                control.insert(id)
            }
        }
        for id in [eos, endOfTurn, endOfMessage].compactMap({ $0 }) { ending.insert(id) }
        var normal: Set<Int> = []
        if let endOfSentence = idForText["</s>"], ending.contains(endOfSentence),
           Self.plainEndOfSentenceMarkers.contains(where: { idForText[$0].map(ending.contains) == true }) {
            ending.remove(endOfSentence)
            control.remove(endOfSentence)
            normal.insert(endOfSentence)
        }
        self.endOfGeneration = ending
        self.control = control
        self.normal = normal
    }
}
