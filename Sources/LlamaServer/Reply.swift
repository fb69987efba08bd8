import Foundation
import LlamaSwift

/// The fixed fields of one answer and the JSON objects built from them.
struct Reply: Sendable {
    let endpoint: CompletionService.Endpoint
    let id: String
    let created: Int
    let model: String
    let promptTokens: Int

    /// The whole answer of a request that did not stream: its text, or (chat only) its tool
    /// calls and the text before them.
    func whole(text: String, toolCalls: [ToolCall] = [], outcome: CompletionOutcome) -> any Encodable & Sendable {
        let usage = Usage(promptTokens: promptTokens, completionTokens: outcome.completionTokens)
        switch endpoint {
        case .completions:
            return CompletionResponse(
                id: id, created: created, model: model,
                choices: [.init(text: text, finishReason: outcome.finishReason)], usage: usage)
        case .chat:
            return ChatCompletionResponse(
                id: id, object: "chat.completion", created: created, model: model,
                choices: [.init(message: message(text: text, toolCalls: toolCalls), finishReason: outcome.finishReason)],
                usage: usage)
        }
    }

    /// One streamed chunk: a piece of text, or with `text` nil the chat's opening chunk (the
    /// role, before any text) or the closing one (with the finish reason).
    func chunk(text: String?, finishReason: FinishReason?) -> any Encodable & Sendable {
        switch endpoint {
        case .completions:
            return CompletionResponse(
                id: id, created: created, model: model, choices: [.init(text: text ?? "", finishReason: finishReason)])
        case .chat:
            let delta: ChatCompletionResponse.Message =
                if let text { .init(content: text) } else if finishReason == nil { .init(role: "assistant", content: "") } else { .init() }
            return ChatCompletionResponse(
                id: id, object: "chat.completion.chunk", created: created, model: model,
                choices: [.init(delta: delta, finishReason: finishReason)])
        }
    }

    private func message(text: String, toolCalls: [ToolCall]) -> ChatCompletionResponse.Message {
        guard !toolCalls.isEmpty else { return .init(role: "assistant", content: text) }
        let content = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return .init(role: "assistant", content: content.isEmpty ? nil : content, toolCalls: toolCalls.map { .init($0, index: nil) })
    }

    /// A chat chunk whose delta holds the tool calls, numbered from 0.
    func toolCallChunk(_ calls: [ToolCall]) -> any Encodable & Sendable {
        let delta = ChatCompletionResponse.Message(toolCalls: calls.enumerated().map { .init($1, index: $0) })
        return ChatCompletionResponse(
            id: id, object: "chat.completion.chunk", created: created, model: model, choices: [.init(delta: delta, finishReason: nil)])
    }

    /// The last chunk when the client asked for `stream_options.include_usage`: no choices, the usage.
    func usageChunk(_ outcome: CompletionOutcome) -> any Encodable & Sendable {
        let usage = Usage(promptTokens: promptTokens, completionTokens: outcome.completionTokens)
        switch endpoint {
        case .completions:
            return CompletionResponse(id: id, created: created, model: model, choices: [], usage: usage)
        case .chat:
            return ChatCompletionResponse(
                id: id, object: "chat.completion.chunk", created: created, model: model, choices: [], usage: usage)
        }
    }
}
