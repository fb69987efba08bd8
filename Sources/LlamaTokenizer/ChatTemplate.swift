import GGUF

/// A chat prompt format. Rendered prompts contain special-token text (`<|im_start|>`,
/// `<|eot_id|>`, `[INST]`, ...): encode them with `parseSpecial: true`. They do not start with
/// BOS text; encoding with `addSpecial: true` adds BOS where the model wants it.
///
/// Formats follow llama.cpp's built-in versions of the same templates (its non-Jinja path):
/// logic inside a model's Jinja template, such as SmolLM2 adding a default system message when
/// there is none, is not reproduced; pass such a message yourself.
public enum ChatTemplate: Sendable, Equatable {
    /// LLaMA 2 chat: `[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]{answer}</s><s>[INST] ...`
    /// (llama.cpp's `llama2-sys-bos`).
    case llama2
    /// LLaMA 3 instruct: `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>` per
    /// message, content trimmed.
    case llama3
    /// ChatML: `<|im_start|>{role}\n{content}<|im_end|>\n` per message.
    case chatML

    /// Recognises a Jinja chat template (`tokenizer.chat_template`) by its distinctive text;
    /// `nil` for templates that are none of the known formats.
    public init?(jinja: String) {
        if jinja.contains("<|im_start|>") {
            // Phi 4 and SmolVLM use <|im_start|> with other formats.
            guard !jinja.contains("<|im_sep|>") && !jinja.contains("<end_of_utterance>") else { return nil }
            self = .chatML
        } else if jinja.contains("<|start_header_id|>") && jinja.contains("<|end_header_id|>") {
            self = .llama3
        } else if jinja.contains("[INST]") && jinja.contains("<<SYS>>") {
            self = .llama2
        } else {
            return nil
        }
    }

    /// The template a model uses: its `tokenizer.chat_template` when present (`nil` when that
    /// template is not a known format); without one, a guess from the vocabulary's tokens
    /// (`<|im_start|>`: ChatML, `<|start_header_id|>`: LLaMA 3, a SentencePiece vocabulary with
    /// `</s>`: LLaMA 2). `nil` when neither tells.
    public static func forModel(metadata: GGUFMetadata, tokenizer: LlamaTokenizer? = nil) -> ChatTemplate? {
        if let jinja = try? metadata.string("tokenizer.chat_template") {
            return ChatTemplate(jinja: jinja)
        }
        guard let tokenizer else { return nil }
        if tokenizer.tokenID(forText: "<|im_start|>") != nil { return .chatML }
        if tokenizer.tokenID(forText: "<|start_header_id|>") != nil { return .llama3 }
        if tokenizer.kind == .sentencePiece && tokenizer.tokenID(forText: "</s>") != nil { return .llama2 }
        return nil
    }

    /// The prompt text for `messages`; with `addGenerationPrompt`, it ends where the
    /// assistant's answer begins (LLaMA 2 prompts always end there after a user turn).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var prompt = ""
        switch self {
        case .chatML:
            for message in messages {
                prompt += "<|im_start|>\(message.role.rawValue)\n\(message.content)<|im_end|>\n"
            }
            if addGenerationPrompt { prompt += "<|im_start|>assistant\n" }
        case .llama3:
            for message in messages {
                prompt += "<|start_header_id|>\(message.role.rawValue)<|end_header_id|>\n\n"
                prompt += message.content.trimmingWhitespace() + "<|eot_id|>"
            }
            if addGenerationPrompt { prompt += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        case .llama2:
            var insideTurn = true
            prompt = "[INST] "
            for message in messages {
                if !insideTurn {
                    prompt += "<s>[INST] "
                    insideTurn = true
                }
                switch message.role {
                case .system: prompt += "<<SYS>>\n\(message.content)\n<</SYS>>\n\n"
                case .user: prompt += "\(message.content) [/INST]"
                case .assistant:
                    prompt += "\(message.content)</s>"
                    insideTurn = false
                }
            }
        }
        return prompt
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
