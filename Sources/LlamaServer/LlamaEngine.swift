import LlamaSwift
import LlamaTokenizer
import Synchronization

/// A ``CompletionEngine`` over a ``LlamaSwift/LlamaModel``: each running request has a session
/// of its own, taken from a pool so that a session's cache (and the prompt prefix in it) is
/// reused by later requests.
public final class LlamaEngine: CompletionEngine {
    /// The model that generates.
    public let model: LlamaModel
    /// The id the server lists for the model.
    public let modelName: String
    /// Positions each session holds.
    public let contextSize: Int
    private let batchSize: Int
    private let cacheType: KVCacheType
    private let poolLimit: Int
    /// The template chats are rendered with: the one given, else the model's own.
    public let chatTemplate: ChatTemplate?
    private let idle = Mutex<[LlamaSession]>([])

    /// An engine listed as `name` that starts with `session` and opens more sessions like it
    /// (same model, context size and cache type) when requests overlap.
    ///
    /// - Parameters:
    ///   - batchSize: Prompt tokens evaluated per batch in the sessions it opens.
    ///   - sessions: Idle sessions kept for reuse; match the server's `parallel`.
    ///   - template: The chat template (a named or file one); `nil` for the model's own.
    public init(session: LlamaSession, name: String, batchSize: Int = 512, sessions: Int = 1, template: ChatTemplate? = nil) {
        model = session.model
        chatTemplate = template ?? session.model.chatTemplate
        modelName = name
        contextSize = session.contextSize
        cacheType = session.cacheType
        self.batchSize = batchSize
        poolLimit = max(sessions, 1)
        idle.withLock { $0.append(session) }
    }

    /// The tokens of the prompt: the text with BOS, or the chat rendered with the model's template.
    public func promptTokenCount(_ prompt: CompletionPrompt) throws -> Int {
        switch prompt {
        case .text(let text):
            return model.tokenize(text, addSpecial: true, parseSpecial: false).count
        case .chat(let turns, let tools):
            guard let template = chatTemplate else {
                throw APIError.invalidRequest("The model \(modelName) has no chat template; use /v1/completions", param: "messages")
            }
            let rendered: String
            do {
                rendered = try template.render(try Self.messages(turns), tools: tools, addGenerationPrompt: true, variables: [:])
            } catch let error as ChatTemplateError {
                throw APIError.invalidRequest(error.description, param: "messages", code: "chat_template_error")
            }
            return model.tokenizeChatPrompt(rendered).count
        }
    }

    /// Generates with a pooled session, streaming its text to `onText`.
    public func generate(
        _ prompt: CompletionPrompt, parameters: CompletionParameters, onText: @Sendable (String) async throws -> Void
    ) async throws -> CompletionOutcome {
        let promptTokens = try promptTokenCount(prompt)
        let session = try takeSession()
        defer { giveBack(session) }
        let stream = switch prompt {
        case .text(let text): session.generate(prompt: text, parameters: Self.generationParameters(parameters))
        case .chat(let turns, let tools):
            session.chatText(
                messages: try Self.messages(turns), tools: tools, parameters: Self.generationParameters(parameters),
                template: chatTemplate, variables: [:])
        }
        do {
            for try await piece in stream { try await onText(piece) }
        } catch let error as LlamaError {
            throw APIError.invalidRequest(error.description)
        }
        try Task.checkCancellation()
        let generated = await session.statistics.generatedTokens
        let filled = generated >= parameters.maxTokens || promptTokens + generated >= contextSize
        return CompletionOutcome(completionTokens: generated, finishReason: filled ? .length : .stop)
    }

    /// The library's parameters for a request's.
    static func generationParameters(_ p: CompletionParameters) -> GenerationParameters {
        var parameters = GenerationParameters()
        parameters.temperature = p.temperature
        parameters.topP = p.topP
        parameters.topK = p.topK
        parameters.minP = p.minP
        parameters.repetitionPenalty = p.repeatPenalty
        parameters.repeatLastN = p.repeatLastN
        parameters.presencePenalty = p.presencePenalty
        parameters.frequencyPenalty = p.frequencyPenalty
        parameters.seed = p.seed
        parameters.maxTokens = p.maxTokens
        parameters.stop = p.stop
        parameters.constraint = p.constraint
        return parameters
    }

    /// The chat turns as library messages; OpenAI's `developer` role is `system`, and roles
    /// other than system, user, assistant and tool are refused.
    static func messages(_ turns: [ChatTurn]) throws -> [ChatMessage] {
        try turns.enumerated().map { index, turn in
            guard let role = turn.role == "developer" ? .system : ChatMessage.Role(rawValue: turn.role) else {
                throw APIError.invalidRequest(
                    "Unsupported role '\(turn.role)': use system, developer, user, assistant or tool", param: "messages[\(index)].role")
            }
            return ChatMessage(role: role, content: turn.content, toolCalls: turn.toolCalls, toolCallID: turn.toolCallID)
        }
    }

    /// The format of the chat template's tool calls.
    public var toolCallFormat: ToolCallFormat { ToolCallFormat(template: chatTemplate) }

    private func takeSession() throws -> LlamaSession {
        if let session = idle.withLock({ $0.popLast() }) { return session }
        return try model.makeSession(contextSize: contextSize, batchSize: batchSize, cacheType: cacheType)
    }

    private func giveBack(_ session: LlamaSession) {
        idle.withLock { if $0.count < poolLimit { $0.append(session) } }
    }
}
