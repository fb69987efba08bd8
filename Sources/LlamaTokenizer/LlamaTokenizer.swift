import GGUF

/// A tokenizer built from a GGUF file's `tokenizer.ggml.*` metadata that encodes and decodes
/// exactly as llama.cpp does.
///
/// Two vocabulary kinds are supported: SentencePiece (`tokenizer.ggml.model = "llama"`:
/// LLaMA 1/2, Phi-3, TinyStories) and BPE (`"gpt2"`: LLaMA 3, Qwen2, DeepSeek, Command-R,
/// Falcon, StarCoder, GPT-2, MPT, Refact, SmolLM, each with the pre-tokenizer its
/// `tokenizer.ggml.pre` names; `"gemma4"`: Gemma 4's BPE over UTF-8 text with `▁` for spaces).
///
/// ```swift
/// let file = try GGUFFile(path: path)
/// let tokenizer = try LlamaTokenizer(metadata: file.metadata)
/// let ids = tokenizer.encode("Hello world")          // BOS added when the model asks for it
/// let text = tokenizer.decode(ids)                    // "Hello world"
/// ```
///
/// Instances are immutable and safe to share between tasks.
public final class LlamaTokenizer: Sendable {
    /// The vocabulary kind.
    public enum Kind: Sendable {
        /// SentencePiece-style score-driven merging with byte fallback (`llama`).
        case sentencePiece
        /// BPE with merge ranks: byte-level (`gpt2`) or over UTF-8 text with `▁` for spaces (`gemma4`).
        case bytePair
    }

    enum Encoder: Sendable {
        case sentencePiece(SentencePieceEncoder)
        case bytePair(BytePairEncoder, PreTokenizer)
    }

    /// The vocabulary kind.
    public let kind: Kind
    /// Number of tokens in the vocabulary; valid ids are `0..<vocabularySize`.
    public let vocabularySize: Int
    /// Beginning-of-sequence token.
    public let bosTokenID: Int?
    /// End-of-sequence token.
    public let eosTokenID: Int?
    /// End-of-turn token (`<|eot_id|>`, `<|im_end|>`, ...), from metadata or recognised by its text.
    public let eotTokenID: Int?
    /// End-of-message token (`<|eom_id|>`), from metadata or recognised by its text.
    public let eomTokenID: Int?
    /// Unknown token.
    public let unknownTokenID: Int?
    /// Padding token.
    public let paddingTokenID: Int?
    /// Whether ``encode(_:addSpecial:parseSpecial:)`` puts BOS first when `addSpecial` is true.
    public let addsBOS: Bool
    /// Whether ``encode(_:addSpecial:parseSpecial:)`` puts EOS last when `addSpecial` is true.
    public let addsEOS: Bool
    /// Whether SentencePiece encoding puts a space before the text (and after special tokens).
    public let addsSpacePrefix: Bool
    /// Every token that ends generation: EOS, EOT, EOM, the fill-in-the-middle pad, repository
    /// and file-separator tokens, and the tokens llama.cpp recognises by text (`<|im_end|>`, ...).
    public let endOfGenerationTokenIDs: Set<Int>

    let encoder: Encoder
    let splitter: SpecialTokenSplitter
    /// Each token's type.
    let types: [TokenType]
    /// Each token's text as stored in the vocabulary.
    let texts: [String]
    /// Each token's rendered bytes, back to back.
    let pieceBytes: [UInt8]
    let pieceStarts: [Int32]

    /// The most tokens a vocabulary may have: 16 times the largest in use (262 144, Gemma 3).
    public static let maximumVocabularySize = 1 << 22
    /// The most BPE merge rules a vocabulary may have.
    public static let maximumMergeCount = 1 << 23

    /// Builds the tokenizer from GGUF metadata.
    ///
    /// Reads `tokenizer.ggml.model`, `.tokens`, `.scores`, `.token_type`, `.merges`, `.pre`,
    /// `.add_bos_token`, `.add_eos_token`, `.add_space_prefix` and the special token ids.
    /// Special token ids outside the vocabulary are ignored, as llama.cpp does; without a
    /// `bos`/`eos` key, SentencePiece vocabularies use ids 1 and 2 (and 0 for unknown) while BPE
    /// vocabularies have none.
    ///
    /// - Throws: ``TokenizerError`` naming the key, merge rule or token at fault.
    public init(metadata: GGUFMetadata) throws(TokenizerError) {
        let reader = MetadataReader(metadata: metadata)
        let model = try reader.string("tokenizer.ggml.model")
        var tokens = try reader.stringArray("tokenizer.ggml.tokens")
        guard !tokens.isEmpty else { throw .emptyVocabulary }
        guard tokens.count <= Self.maximumVocabularySize else {
            throw .tooLarge(key: "tokenizer.ggml.tokens", count: tokens.count, limit: Self.maximumVocabularySize)
        }
        for i in tokens.indices where tokens[i].isEmpty { tokens[i] = "[EMPTY_\(i)]" }
        let count = tokens.count

        let scores = try reader.floatArray("tokenizer.ggml.scores", count: count) ?? [Float](repeating: 0, count: count)
        var types = try reader.intArray("tokenizer.ggml.token_type", count: count)?.map(TokenType.init(metadataValue:))
            ?? [TokenType](repeating: .normal, count: count)
        let preName = try reader.optionalString("tokenizer.ggml.pre")

        let kind: Kind
        let pre: PreTokenizer?
        var addsBOS: Bool
        var addsSpacePrefix: Bool
        var bos: Int?
        var eos: Int?
        var unknown: Int?
        switch model {
        case "llama":
            kind = .sentencePiece
            pre = nil
            addsBOS = true
            addsSpacePrefix = true
            (bos, eos, unknown) = (1, 2, 0)
        case "gpt2", "gemma4":
            kind = .bytePair
            // llama.cpp reads a `gemma4` vocabulary with the pre-tokenizer of that name, whatever the key says.
            let name = model == "gemma4" ? "gemma4" : preName
            guard let named = PreTokenizer(name: name) else { throw .unsupportedPreTokenizer(name ?? "") }
            pre = named
            addsBOS = named.bos != .whenAsked
            addsSpacePrefix = false
        default:
            throw .unsupportedModel(model)
        }
        addsBOS = try reader.optionalBool("tokenizer.ggml.add_bos_token") ?? addsBOS
        if pre?.bos == .always { addsBOS = true }
        let addsEOS = try reader.optionalBool("tokenizer.ggml.add_eos_token") ?? false
        addsSpacePrefix = try reader.optionalBool("tokenizer.ggml.add_space_prefix") ?? addsSpacePrefix

        func specialID(_ key: String, default value: Int?) throws(TokenizerError) -> Int? {
            if let id = try reader.optionalInt(key), (0..<count).contains(id) { return id }
            if let value, (0..<count).contains(value) { return value }
            return nil
        }
        bos = try specialID("tokenizer.ggml.bos_token_id", default: bos)
        eos = try specialID("tokenizer.ggml.eos_token_id", default: eos)
        unknown = try specialID("tokenizer.ggml.unknown_token_id", default: unknown)
        let padding = try specialID("tokenizer.ggml.padding_token_id", default: nil)
        if addsBOS && bos == nil { throw .missingSpecialToken(key: "tokenizer.ggml.bos_token_id") }
        if addsEOS && eos == nil { throw .missingSpecialToken(key: "tokenizer.ggml.eos_token_id") }

        let roles = try SpecialTokenRoles(tokens: tokens, eos: eos) { key throws(TokenizerError) in
            try specialID(key, default: nil)
        }
        for id in roles.control { types[id] = .control }
        for id in roles.normal { types[id] = .normal }

        let tokenBytes = tokens.map { Array($0.utf8) }
        let spacesEscaped: Bool
        if let pre {
            spacesEscaped = pre.spelling == .escapedSpaces
            let merges = try reader.stringArray("tokenizer.ggml.merges")
            guard merges.count <= Self.maximumMergeCount else {
                throw .tooLarge(key: "tokenizer.ggml.merges", count: merges.count, limit: Self.maximumMergeCount)
            }
            let bpe = try Self.bytePairEncoder(tokens: tokens, pre: pre, merges: merges)
            encoder = .bytePair(bpe, pre)
        } else {
            spacesEscaped = true
            let lookup = TokenLookup(tokenBytes.enumerated().map { ($0.element, Int32($0.offset)) })
            let byteTokens: [Int32] = (0..<256).map { byte in
                if let id = Self.hexByteToken(lookup, byte) { return id }
                if byte < 0x80, let id = lookup.find([UInt8(byte)]) { return id }
                return unknown.map(Int32.init) ?? -1
            }
            encoder = .sentencePiece(SentencePieceEncoder(
                lookup: lookup, scores: scores, byteTokens: byteTokens, pairs: ScalarPairSet(tokenTexts: tokens)))
        }

        var pieceBytes: [UInt8] = []
        var pieceStarts: [Int32] = [0]
        for id in 0..<count {
            pieceBytes.append(contentsOf: Self.render(tokens[id], type: types[id], spacesEscaped: spacesEscaped))
            pieceStarts.append(Int32(pieceBytes.count))
        }

        self.kind = kind
        self.vocabularySize = count
        self.bosTokenID = bos
        self.eosTokenID = eos
        self.eotTokenID = roles.endOfTurn
        self.eomTokenID = roles.endOfMessage
        self.unknownTokenID = unknown
        self.paddingTokenID = padding
        self.addsBOS = addsBOS
        self.addsEOS = addsEOS
        self.addsSpacePrefix = kind == .sentencePiece && addsSpacePrefix
        self.endOfGenerationTokenIDs = roles.endOfGeneration
        self.types = types
        self.texts = tokens
        self.pieceBytes = pieceBytes
        self.pieceStarts = pieceStarts
        let rightStripped = RightStrippedTokens.ids(
            modelName: (try? reader.optionalString("general.name")) ?? nil, texts: tokens, types: types)
        self.splitter = SpecialTokenSplitter(texts: tokenBytes, types: types, rightStripped: rightStripped)
    }

    /// Whether generating `token` ends generation (EOS, EOT, EOM and their kin).
    public func isEndOfGeneration(_ token: Int) -> Bool {
        endOfGenerationTokenIDs.contains(token)
    }

    /// The type of `token`, or `nil` when the id is outside the vocabulary.
    public func tokenType(_ token: Int) -> TokenType? {
        types.indices.contains(token) ? types[token] : nil
    }

    /// The text of `token` exactly as the vocabulary stores it (`▁Hello`, `ĠHello`, `<0x0A>`),
    /// or `nil` when the id is outside the vocabulary.
    public func text(of token: Int) -> String? {
        texts.indices.contains(token) ? texts[token] : nil
    }

    /// The id of the first token whose stored text is exactly `text`, or `nil` (a linear search).
    public func tokenID(forText text: String) -> Int? {
        texts.firstIndex(of: text)
    }


    /// The bytes a token stands for when rendered: control and unknown tokens render their text
    /// (shown only on request), `▁` becomes a space where `spacesEscaped` (SentencePiece, Gemma 4),
    /// `<0xNN>` becomes its byte, byte-level BPE text is mapped back through the GPT-2 byte
    /// table; unused and undefined tokens render nothing.
    private static func render(_ text: String, type: TokenType, spacesEscaped: Bool) -> [UInt8] {
        switch type {
        case .control, .unknown, .userDefined:
            return Array(text.utf8)
        case .normal:
            return spacesEscaped ? unescapeSpaces(Array(text.utf8)) : ByteUnicode.decode(text)
        case .byte:
            let utf8 = Array(text.utf8)
            guard utf8.count == 6, utf8.starts(with: Array("<0x".utf8)), utf8[5] == UInt8(ascii: ">"),
                  let value = UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16) else { return [] }
            return [value]
        case .unused, .undefined:
            return []
        }
    }

    private static func unescapeSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + 2 < bytes.count && bytes[i] == 0xE2 && bytes[i + 1] == 0x96 && bytes[i + 2] == 0x81 {
                result.append(0x20)
                i += 3
            } else {
                result.append(bytes[i])
                i += 1
            }
        }
        return result
    }
}
