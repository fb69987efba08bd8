import GGUF

/// Why a tokenizer could not be built from GGUF metadata.
///
/// Every case names the metadata key, token or merge at fault so that a user can find the
/// problem in the file.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required `tokenizer.ggml.*` key is absent.
    case missingKey(String)
    /// A key holds a value of another type than the tokenizer needs.
    case wrongType(key: String, expected: String, found: String)
    /// `tokenizer.ggml.model` names a tokenizer this library does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a BPE pre-tokenizer this library does not implement.
    case unsupportedPreTokenizer(String)
    /// `tokenizer.ggml.tokens` is empty.
    case emptyVocabulary
    /// A per-token array (scores, token types) does not have one entry per token.
    case lengthMismatch(key: String, expected: Int, found: Int)
    /// A BPE merge rule is malformed or refers to text that is not a token.
    case invalidMerge(index: Int, rule: String, reason: String)
    /// The metadata asks for a special token (BOS or EOS) to be added but names no valid token for it.
    case missingSpecialToken(key: String)
    /// An array (tokens, merges) has more entries than any real vocabulary, so building its
    /// tables would take unbounded memory and time.
    case tooLarge(key: String, count: Int, limit: Int)

    /// The tokenizer's view of an error from a metadata accessor, which only ever reports a
    /// missing key or a value of the wrong type.
    init(_ error: GGUFError) {
        switch error {
        case .missingKey(let key):
            self = .missingKey(key)
        case .typeMismatch(let key, let expected, let found):
            self = .wrongType(key: key, expected: expected, found: found)
        default:
            self = .wrongType(key: "tokenizer metadata", expected: "a readable value", found: error.description)
        }
    }

    public var description: String {
        switch self {
        case .missingKey(let key):
            "tokenizer metadata key '\(key)' not found"
        case .wrongType(let key, let expected, let found):
            "tokenizer metadata key '\(key)' is \(found), expected \(expected)"
        case .unsupportedModel(let name):
            "unsupported tokenizer model '\(name)' in tokenizer.ggml.model (supported: llama, gpt2)"
        case .unsupportedPreTokenizer(let name):
            "unsupported BPE pre-tokenizer '\(name)' in tokenizer.ggml.pre (supported: \(PreTokenizer.supportedNames.joined(separator: ", ")))"
        case .emptyVocabulary:
            "tokenizer.ggml.tokens is empty"
        case .lengthMismatch(let key, let expected, let found):
            "tokenizer metadata key '\(key)' has \(found) entries, expected one per token (\(expected))"
        case .invalidMerge(let index, let rule, let reason):
            "tokenizer.ggml.merges[\(index)] '\(rule)': \(reason)"
        case .missingSpecialToken(let key):
            "the tokenizer must add a special token but '\(key)' names no token in the vocabulary"
        case .tooLarge(let key, let count, let limit):
            "tokenizer metadata key '\(key)' has \(count) entries, more than the \(limit) this library accepts"
        }
    }
}
