import GGUF
import Jinja

/// A chat prompt format: a Jinja template rendered as Hugging Face transformers renders chat
/// templates (Python jinja2 semantics, see the `Jinja` module), with the conversation as
/// `messages`, `add_generation_prompt`, the model's `bos_token` and `eos_token` texts and any
/// extra variables.
///
/// It is the model's own `tokenizer.chat_template` (``forModel(metadata:tokenizer:)``), one of
/// the named built-in formats (``init(named:bosToken:eosToken:dropsLeadingBOS:)``), or any
/// Jinja text (``init(jinja:bosToken:eosToken:dropsLeadingBOS:)``), for example a file's.
///
/// Rendered prompts contain special-token text (`<|im_start|>`, `<|eot_id|>`, `[INST]`, ...):
/// encode them with `parseSpecial: true`. Where the tokenizer adds BOS itself
/// (``dropsLeadingBOS``), a BOS text the template writes at the start is left out, so encoding
/// with `addSpecial: true` gives one BOS.
public struct ChatTemplate: Sendable, Equatable {
    /// The Jinja source.
    public let source: String
    /// The built-in format's name, or `nil` for a model's or caller's own template.
    public let name: String?
    /// The text of the model's BOS token, passed as `bos_token`.
    public let bosToken: String
    /// The text of the model's EOS token, passed as `eos_token`.
    public let eosToken: String
    /// Whether a leading ``bosToken`` text is removed from renders (the tokenizer adds BOS).
    public let dropsLeadingBOS: Bool
    /// Bounds on a render (output size, loop iterations, call depth); the defaults fit prompts
    /// up to a few MiB. A template from a downloaded file cannot get past them.
    public var limits = Limits()
    private let template: Template

    /// Compiles `jinja`. Throws ``ChatTemplateError/template(_:)`` with the line and column
    /// where it does not parse.
    public init(jinja: String, bosToken: String = "", eosToken: String = "", dropsLeadingBOS: Bool = true) throws(ChatTemplateError) {
        try self.init(source: jinja, name: nil, bosToken: bosToken, eosToken: eosToken, dropsLeadingBOS: dropsLeadingBOS)
    }

    /// The built-in format `name` (one of ``builtInNames``, or an alias such as
    /// `llama-2-chat`, `mistral-instruct-v0.1`, `vicuna-chat`). Throws
    /// ``ChatTemplateError/unknownName(_:)`` for any other name.
    public init(named name: String, bosToken: String = "<s>", eosToken: String = "</s>", dropsLeadingBOS: Bool = true) throws(ChatTemplateError) {
        let key = name.lowercased()
        guard let canonical = BuiltInChatTemplates.aliases[key] ?? (BuiltInChatTemplates.sources[key] != nil ? key : nil),
              let source = BuiltInChatTemplates.sources[canonical] else {
            throw .unknownName(name)
        }
        try self.init(source: source, name: canonical, bosToken: bosToken, eosToken: eosToken, dropsLeadingBOS: dropsLeadingBOS)
    }

    private init(source: String, name: String?, bosToken: String, eosToken: String, dropsLeadingBOS: Bool) throws(ChatTemplateError) {
        do {
            template = try Template(source)
        } catch {
            throw .template(error)
        }
        self.source = source
        self.name = name
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.dropsLeadingBOS = dropsLeadingBOS
    }

    /// The names of the built-in formats, each described in ``BuiltInChatTemplates``.
    public static var builtInNames: [String] { BuiltInChatTemplates.sources.keys.sorted() }

    /// LLaMA 2 chat (`[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]{answer}</s><s>[INST] ...`).
    public static let llama2 = builtIn("llama2", bos: "<s>", eos: "</s>")
    /// LLaMA 3 instruct (`<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>`, content trimmed).
    public static let llama3 = builtIn("llama3", bos: "<|begin_of_text|>", eos: "<|eot_id|>")
    /// ChatML (`<|im_start|>{role}\n{content}<|im_end|>\n`).
    public static let chatML = builtIn("chatml", bos: "", eos: "<|im_end|>")

    private static func builtIn(_ name: String, bos: String, eos: String) -> ChatTemplate {
        // The built-in sources are tested to compile; failing here is a bug in this file.
        do { return try ChatTemplate(named: name, bosToken: bos, eosToken: eos) } catch { fatalError("built-in chat template '\(name)': \(error)") }
    }

    /// The model's template: its `tokenizer.chat_template` when present, else a built-in
    /// format guessed from the vocabulary's tokens (`<|im_start|>`: ChatML,
    /// `<|start_header_id|>`: LLaMA 3, a SentencePiece vocabulary with `</s>`: LLaMA 2); `nil`
    /// when neither tells. BOS and EOS texts come from `tokenizer`. Throws when the model's
    /// template does not compile.
    public static func modelTemplate(metadata: GGUFMetadata, tokenizer: LlamaTokenizer? = nil) throws(ChatTemplateError) -> ChatTemplate? {
        let bos = tokenizer.flatMap { t in t.bosTokenID.flatMap { t.text(of: $0) } } ?? ""
        let eos = tokenizer.flatMap { t in t.eosTokenID.flatMap { t.text(of: $0) } } ?? ""
        let drops = tokenizer?.addsBOS ?? true
        if let jinja = try? metadata.string("tokenizer.chat_template") {
            return try ChatTemplate(jinja: jinja, bosToken: bos, eosToken: eos, dropsLeadingBOS: drops)
        }
        guard let tokenizer else { return nil }
        let guess: String
        if tokenizer.tokenID(forText: "<|im_start|>") != nil {
            guess = "chatml"
        } else if tokenizer.tokenID(forText: "<|start_header_id|>") != nil {
            guess = "llama3"
        } else if tokenizer.kind == .sentencePiece && tokenizer.tokenID(forText: "</s>") != nil {
            guess = "llama2"
        } else {
            return nil
        }
        return try ChatTemplate(named: guess, bosToken: bos, eosToken: eos, dropsLeadingBOS: drops)
    }

    /// ``modelTemplate(metadata:tokenizer:)``, with `nil` also for a template that does not compile.
    public static func forModel(metadata: GGUFMetadata, tokenizer: LlamaTokenizer? = nil) -> ChatTemplate? {
        try? modelTemplate(metadata: metadata, tokenizer: tokenizer)
    }

    /// The prompt text for `messages`; with `addGenerationPrompt`, it ends where the assistant's
    /// answer begins. `variables` are further template variables (`tools`, `enable_thinking`,
    /// `date_string`...). Throws ``ChatTemplateError/template(_:)``: with
    /// ``JinjaError/raised(_:)`` carrying the template's message when it calls
    /// `raise_exception` (roles not alternating, say), or another error where jinja2 would raise.
    ///
    /// Non-empty `tools` are passed as `tools` (each as ``ToolDefinition/templateValue``); a
    /// message's tool calls and call id as ``ChatMessage/templateValue`` has them. A template
    /// that does not read `tools` gets them in the system message instead, with
    /// ``ToolInstructions`` asking for calls as `{"name": ..., "arguments": {...}}`, and a
    /// template that does not read `tool_calls` gets an assistant's calls as its text, in that form.
    public func render(
        _ messages: [ChatMessage], tools: [ToolDefinition] = [], addGenerationPrompt: Bool, variables: [String: Value]
    ) throws(ChatTemplateError) -> String {
        var variables = variables
        var messages = source.contains("tool_calls") ? messages : ToolInstructions.callsAsText(messages)
        if !tools.isEmpty {
            variables["tools"] = .array(tools.map(\.templateValue))
            if !readsTools { messages = ToolInstructions.messages(messages, describing: tools) }
        }
        return try render(messages: .array(messages.map(\.templateValue)), addGenerationPrompt: addGenerationPrompt, variables: variables)
    }

    /// Whether the template reads a `tools` variable, so that tools given to a render reach the
    /// model through it.
    public var readsTools: Bool { source.contains("tools") }

    /// The prompt text for `messages` given as template values, as an OpenAI `messages` array
    /// reads with ``Value/init(json:)``: content as a string or a list of typed parts,
    /// `tool_calls`, `tool_call_id`, `name`, `reasoning_content` and whatever else the template reads.
    public func render(messages: Value, addGenerationPrompt: Bool, variables: [String: Value]) throws(ChatTemplateError) -> String {
        var context = variables
        context["messages"] = messages
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        context["bos_token"] = .string(bosToken)
        context["eos_token"] = .string(eosToken)
        var text: String
        do {
            text = try template.render(context, limits: limits)
        } catch {
            throw .template(error)
        }
        if dropsLeadingBOS, !bosToken.isEmpty, text.utf8.starts(with: bosToken.utf8) {
            text = String(decoding: text.utf8.dropFirst(bosToken.utf8.count), as: UTF8.self)
        }
        return text
    }

    public static func == (lhs: ChatTemplate, rhs: ChatTemplate) -> Bool {
        lhs.source == rhs.source && lhs.name == rhs.name && lhs.bosToken == rhs.bosToken
            && lhs.eosToken == rhs.eosToken && lhs.dropsLeadingBOS == rhs.dropsLeadingBOS && lhs.limits == rhs.limits
    }
}

/// Why a chat template could not be made or rendered.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template does not parse, raised, or failed while rendering.
    case template(JinjaError)
    /// No built-in format has this name.
    case unknownName(String)

    public var description: String {
        switch self {
        case .template(let error): return error.description
        case .unknownName(let name):
            return "no built-in chat template named '\(name)' (known: \(ChatTemplate.builtInNames.joined(separator: ", ")))"
        }
    }
}
