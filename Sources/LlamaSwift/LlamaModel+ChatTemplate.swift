import LlamaTokenizer

/// Chat templates made for this model: its BOS and EOS texts as `bos_token` and `eos_token`,
/// and a leading BOS left out of renders where the tokenizer adds it.
extension LlamaModel {
    /// The built-in format `name` (one of ``ChatTemplate/builtInNames`` or an alias such as
    /// `llama-2-chat`). Throws ``LlamaError/chatTemplateFailed(_:)`` for an unknown name.
    public func chatTemplate(named name: String) throws(LlamaError) -> ChatTemplate {
        do {
            return try ChatTemplate(named: name, bosToken: bosText, eosToken: eosText, dropsLeadingBOS: tokenizer.addsBOS)
        } catch {
            throw .chatTemplateFailed(error.description)
        }
    }

    /// The Jinja template `jinja` (a file's text, say). Throws
    /// ``LlamaError/chatTemplateFailed(_:)`` naming the line and column where it does not parse.
    public func chatTemplate(jinja: String) throws(LlamaError) -> ChatTemplate {
        do {
            return try ChatTemplate(jinja: jinja, bosToken: bosText, eosToken: eosText, dropsLeadingBOS: tokenizer.addsBOS)
        } catch {
            throw .chatTemplateFailed(error.description)
        }
    }

    /// The tokens of a rendered chat prompt: special-token text read as those tokens, and BOS
    /// put first as the model asks unless the prompt already starts with it (no EOS added).
    public func tokenizeChatPrompt(_ prompt: String) -> [Int] {
        var tokens = tokenizer.encode(prompt, addSpecial: false, parseSpecial: true)
        if tokenizer.addsBOS, let bos = tokenizer.bosTokenID, tokens.first != bos {
            tokens.insert(bos, at: 0)
        }
        return tokens
    }

    private var bosText: String { tokenizer.bosTokenID.flatMap { tokenizer.text(of: $0) } ?? "" }
    private var eosText: String { tokenizer.eosTokenID.flatMap { tokenizer.text(of: $0) } ?? "" }
}
