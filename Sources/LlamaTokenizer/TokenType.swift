/// The kind of a vocabulary entry, from `tokenizer.ggml.token_type`.
public enum TokenType: Int, Sendable {
    /// A value outside the known types.
    case undefined = 0
    /// Ordinary text.
    case normal = 1
    /// The unknown-token placeholder.
    case unknown = 2
    /// A control token such as BOS or `<|eot_id|>`; renders as nothing unless asked.
    case control = 3
    /// A token the model's authors added; always split out of input text and rendered verbatim.
    case userDefined = 4
    /// A reserved slot.
    case unused = 5
    /// A single raw byte written `<0xNN>` (SentencePiece byte fallback).
    case byte = 6

    init(metadataValue: Int) {
        self = TokenType(rawValue: metadataValue) ?? .undefined
    }

    /// Whether encode may split this token out of input text (llama.cpp's special-token set).
    var isSpecial: Bool { self == .control || self == .userDefined || self == .unknown }
}
