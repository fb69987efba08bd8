/// How a BPE vocabulary cuts text into words before merging, and the other choices llama.cpp
/// ties to its `tokenizer.ggml.pre` name: one row of ``table`` per family.
struct PreTokenizer: Sendable {
    /// How token texts spell the bytes they stand for.
    enum Spelling: Sendable {
        /// GPT-2's byte-level alphabet: every byte has a printable stand-in character (`Ġ` for
        /// a space), and a word starts as one symbol per byte.
        case byteLevel
        /// Plain UTF-8 with `▁` for every space (Gemma 4): a word starts as one symbol per
        /// character, and a character no token spells is written with `<0xNN>` byte tokens.
        case escapedSpaces
    }

    /// When a whole word that is itself a token is emitted without merging.
    enum WholeWords: Sendable {
        /// Never: every word goes through the merges.
        case never
        /// Always (llama.cpp's `ignore_merges`, LLaMA 3).
        case always
        /// Only words made of line feeds (Gemma 4, whose merges do not build every run of them).
        case lineFeeds
    }

    /// Whether encoding with special tokens puts BOS first.
    enum BOS: Sendable {
        /// Only when `tokenizer.ggml.add_bos_token` says so.
        case whenAsked
        /// Unless `tokenizer.ggml.add_bos_token` says not to (LLaMA 3).
        case byDefault
        /// Whatever the metadata says (Gemma 4, whose files often say false but need it).
        case always
    }

    /// The steps that cut text into words, in order.
    let stages: [SplitStage]
    let spelling: Spelling
    let wholeWords: WholeWords
    let bos: BOS

    /// The pre-tokenizers by `tokenizer.ggml.pre` name, following llama.cpp's choice of
    /// expressions and flags for each name.
    static let table: [(names: [String], rule: PreTokenizer)] = [
        (["llama-bpe", "llama3", "llama-v3"],
         PreTokenizer(stages: [.llama3Words(longestNumber: 3)], wholeWords: .always, bos: .byDefault)),
        (["dbrx", "smaug-bpe"], PreTokenizer(stages: [.llama3Words(longestNumber: 3)])),
        (["qwen2", "deepseek-r1-qwen", "stablelm2"], PreTokenizer(stages: [.llama3Words(longestNumber: 1)])),
        (["gpt-2", "gpt2", "mpt", "phi-2", "olmo", "jais"], PreTokenizer(stages: [.gpt2Words])),
        (["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone"],
         PreTokenizer(stages: [.each(.numbers), .gpt2Words])),
        (["falcon"], PreTokenizer(stages: [.runs(.punctuationSymbolsAndBacktick), .gpt2Words, .threeDigits])),
        (["deepseek-llm"], PreTokenizer(stages: [
            .each(.lineBreaks), .spacedRuns(.deepSeekLetters), .spacedRuns(.deepSeekPunctuation), .trailingWhitespace,
            .runs(.deepSeekIdeographs), .runs(.numbers),
        ])),
        (["deepseek-coder"], PreTokenizer(stages: [
            .each(.lineBreaks), .spacedRuns(.letters), .spacedRuns(.punctuation), .runs(.deepSeekIdeographs),
            .each(.numbers),
        ])),
        (["gemma4"], PreTokenizer(stages: [.runs(.lineFeed)], spelling: .escapedSpaces, wholeWords: .lineFeeds, bos: .always)),
        (["default"], PreTokenizer(stages: [.runs(.punctuationAndSymbols), .gpt2Words, .runs(.numbers), .threeDigits])),
    ]

    /// Every name ``init(name:)`` accepts.
    static let supportedNames = table.flatMap(\.names)

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value (`nil`: the key is absent, which
    /// llama.cpp reads as `default`), or `nil` for a name not in ``table``.
    init?(name: String?) {
        let name = name ?? "default"
        guard let row = Self.table.first(where: { $0.names.contains(name) }) else { return nil }
        self = row.rule
    }

    private init(stages: [SplitStage], spelling: Spelling = .byteLevel, wholeWords: WholeWords = .never, bos: BOS = .whenAsked) {
        self.stages = stages
        self.spelling = spelling
        self.wholeWords = wholeWords
        self.bos = bos
    }

    /// The ends (scalar indices) of the words of `text`, in order; the first word starts at 0.
    func wordEnds(_ text: ScalarText) -> [Int] {
        var pieces = [text.count]
        for stage in stages { pieces = stage.refine(pieces, text) }
        return pieces
    }
}
