import LlamaSwift

/// What the server needs from a language model: the HTTP layer talks to this protocol only, so
/// it can be tested with a stand-in and run with ``LlamaEngine`` over a real model.
///
/// An engine serves any number of requests at once; the server decides how many run together.
public protocol CompletionEngine: Sendable {
    /// The id that `GET /v1/models` lists and that requests may name in `model`.
    var modelName: String { get }
    /// Positions one request's session holds: prompt plus generated tokens.
    var contextSize: Int { get }
    /// How many tokens `prompt` becomes once rendered and tokenized.
    ///
    /// - Throws: ``APIError`` when the prompt cannot be rendered (a chat for a model without a
    ///   chat template, say).
    func promptTokenCount(_ prompt: CompletionPrompt) throws -> Int
    /// Continues `prompt`, passing each piece of generated text to `onText` as it is produced.
    ///
    /// Generation stops early when `onText` throws (the client went away) or the task is
    /// cancelled; the error or cancellation is rethrown.
    /// - Returns: How many tokens were generated and why generation ended.
    func generate(
        _ prompt: CompletionPrompt, parameters: CompletionParameters,
        onText: @Sendable (String) async throws -> Void
    ) async throws -> CompletionOutcome
    /// How the model writes tool calls, which decides the grammar of a forced call.
    var toolCallFormat: ToolCallFormat { get }
}

extension CompletionEngine {
    /// The generic JSON format, for engines that do not know their model's.
    public var toolCallFormat: ToolCallFormat { .generic }
}

/// The input of one request: plain text to continue, or a chat to answer.
public enum CompletionPrompt: Sendable, Equatable {
    /// `POST /v1/completions`: text continued as is (BOS added as the model asks).
    case text(String)
    /// `POST /v1/chat/completions`: messages rendered with the model's chat template, with the
    /// tools the model may call (none when the request has none or `tool_choice` is `none`).
    case chat([ChatTurn], tools: [ToolDefinition] = [])
}

/// One message of a chat.
public struct ChatTurn: Sendable, Equatable {
    /// `system`, `user`, `assistant` or `tool`.
    public var role: String
    /// The message text.
    public var content: String
    /// The tools an assistant message called.
    public var toolCalls: [ToolCall]
    /// In a `tool` message, the id of the call whose result it holds.
    public var toolCallID: String?

    /// A message from `role` saying `content`, with the calls an assistant made or the id of
    /// the call a tool message answers.
    public init(role: String, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }
}

/// The sampling settings of one request, already validated by the server.
public struct CompletionParameters: Sendable, Equatable {
    /// 0 picks the most likely token.
    public var temperature: Float = 1
    /// Nucleus sampling mass; 1 keeps every token.
    public var topP: Float = 1
    /// Sampling keeps at most this many most likely tokens; 0 keeps all (llama.cpp's server: 40).
    public var topK: Int = 40
    /// Sampling drops tokens less likely than this fraction of the most likely one (llama.cpp's server: 0.05).
    public var minP: Float = 0.05
    /// Divides the positive logits (multiplies the negative) of tokens among the last
    /// ``repeatLastN``; 1 is off.
    public var repeatPenalty: Float = 1
    /// Tokens the penalties look back over; -1 is the whole context.
    public var repeatLastN: Int = 64
    /// Subtracted from the logit of every token already generated or in the prompt window.
    public var presencePenalty: Float = 0
    /// Subtracted from a token's logit once per earlier occurrence.
    public var frequencyPenalty: Float = 0
    /// Seed of the sampler's generator; `nil` for a fresh one.
    public var seed: UInt64? = nil
    /// The most tokens to generate.
    public var maxTokens: Int = 16
    /// Generation ends before the first of these strings, which is not returned.
    public var stop: [String] = []
    /// What the text must be (`response_format`, `grammar`); `nil` leaves it free.
    public var constraint: OutputConstraint? = nil

    /// The OpenAI defaults (temperature 1, top-p 1, no penalties, 16 tokens) and llama.cpp's
    /// server's for the fields OpenAI lacks (top-k 40, min-p 0.05).
    public init() {}
}

/// How a generation ended.
public struct CompletionOutcome: Sendable, Equatable {
    /// Tokens generated.
    public var completionTokens: Int
    /// Why it ended.
    public var finishReason: FinishReason

    /// An outcome of `completionTokens` tokens that ended for `finishReason`.
    public init(completionTokens: Int, finishReason: FinishReason) {
        self.completionTokens = completionTokens
        self.finishReason = finishReason
    }
}

/// The `finish_reason` of a choice.
public enum FinishReason: String, Sendable, Equatable, Codable {
    /// An end-of-generation token or a stop string.
    case stop
    /// `max_tokens` reached or the context full.
    case length
    /// The reply is tool calls.
    case toolCalls = "tool_calls"
}
