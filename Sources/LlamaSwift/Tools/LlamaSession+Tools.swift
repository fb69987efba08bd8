import Jinja
import LlamaTokenizer

/// One piece of a chat reply when the model has tools: text as it comes, or a call it made.
public enum ChatReplyEvent: Sendable, Equatable {
    /// Text of the reply.
    case content(String)
    /// A tool call, parsed from the reply once it ended.
    case toolCall(ToolCall)
}

/// A chat reply split into its text and its tool calls: a whole reply, or what
/// ``ToolCallParser`` reads out of one.
public struct ChatReply: Sendable, Equatable {
    /// The reply's text (before its calls, if any; all of it when it has none).
    public var content: String
    /// The tools it called, in order.
    public var toolCalls: [ToolCall]

    /// A reply saying `content` and calling `toolCalls`.
    public init(content: String, toolCalls: [ToolCall]) {
        self.content = content
        self.toolCalls = toolCalls
    }
}

extension LlamaSession {
    /// Answers `messages` with `tools` at the model's disposal, streaming text as it comes and
    /// then the tool calls the reply makes.
    ///
    /// The tools reach the model through `template` (the model's own when `nil`) in the
    /// format it was trained on (``ToolCallFormat``). With ``ToolChoice/required`` or
    /// ``ToolChoice/function(_:)`` sampling is constrained so that the reply is a call that
    /// parses; with ``ToolChoice/none`` the tools are not shown.
    ///
    /// The stream throws ``LlamaError/invalidParameter(name:value:reason:)`` for a choice that
    /// names no given tool, a tool whose parameters schema cannot be enforced, or a forced call
    /// together with `parameters.constraint`; otherwise as
    /// ``chat(messages:parameters:template:variables:)``.
    public nonisolated func chat(
        messages: [ChatMessage], tools: [ToolDefinition], toolChoice: ToolChoice = .auto,
        parameters: GenerationParameters = GenerationParameters(), template: ChatTemplate? = nil,
        variables: [String: Value] = [:]
    ) -> AsyncThrowingStream<ChatReplyEvent, Error> {
        let format = ToolCallFormat(template: template ?? model.chatTemplate)
        var parameters = parameters
        do {
            if let constraint = try format.constraint(tools: tools, choice: toolChoice) {
                guard parameters.constraint == nil else {
                    throw LlamaError.invalidParameter(
                        name: "tool_choice", value: "\(toolChoice)", reason: "a forced tool call cannot be combined with another output constraint")
                }
                parameters.constraint = constraint
            }
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
        let shown = toolChoice == .none ? [] : tools
        let text = chatText(messages: messages, tools: shown, parameters: parameters, template: template, variables: variables)
        let (events, continuation) = AsyncThrowingStream<ChatReplyEvent, Error>.makeStream()
        let task = Task {
            var split = ToolCallStream(parser: ToolCallParser(tools: shown))
            do {
                for try await piece in text {
                    let shownText = shown.isEmpty ? piece : split.append(piece)
                    if !shownText.isEmpty { continuation.yield(.content(shownText)) }
                }
                let end = split.finish()
                if !end.content.isEmpty { continuation.yield(.content(end.content)) }
                for call in end.toolCalls { continuation.yield(.toolCall(call)) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// ``chat(messages:tools:toolChoice:parameters:template:variables:)`` collected: the whole
    /// reply, its text and its calls.
    public nonisolated func reply(
        to messages: [ChatMessage], tools: [ToolDefinition], toolChoice: ToolChoice = .auto,
        parameters: GenerationParameters = GenerationParameters(), template: ChatTemplate? = nil,
        variables: [String: Value] = [:]
    ) async throws -> ChatReply {
        var reply = ChatReply(content: "", toolCalls: [])
        for try await event in chat(
            messages: messages, tools: tools, toolChoice: toolChoice, parameters: parameters, template: template, variables: variables)
        {
            switch event {
            case .content(let text): reply.content += text
            case .toolCall(let call): reply.toolCalls.append(call)
            }
        }
        return reply
    }
}
