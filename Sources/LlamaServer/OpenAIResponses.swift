import LlamaSwift

/// `usage` of a response: token counts.
struct Usage: Codable, Sendable, Equatable {
    var promptTokens: Int
    var completionTokens: Int
    var totalTokens: Int

    init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        totalTokens = promptTokens + completionTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }
}

/// A `text_completion` object, whole or (streamed) one piece at a time.
struct CompletionResponse: Encodable, Sendable {
    struct Choice: Encodable, Sendable {
        var index = 0
        var text: String
        var finishReason: FinishReason?

        enum CodingKeys: String, CodingKey { case index, text, logprobs, finishReason = "finish_reason" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(text, forKey: .text)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?
}

/// A `chat.completion` object, or with `delta`s a `chat.completion.chunk`.
struct ChatCompletionResponse: Encodable, Sendable {
    /// A message, or a chunk's delta. A whole message with tool calls has `content` null.
    struct Message: Encodable, Sendable {
        var role: String?
        var content: String?
        var toolCalls: [ToolCallEntry]?

        enum CodingKeys: String, CodingKey { case role, content, toolCalls = "tool_calls" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(role, forKey: .role)
            if let content { try container.encode(content, forKey: .content) }
            else if role != nil && toolCalls != nil { try container.encodeNil(forKey: .content) }
            try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        }
    }

    /// An entry of `tool_calls`; in a chunk's delta it carries its `index`.
    struct ToolCallEntry: Encodable, Sendable {
        struct Function: Encodable, Sendable {
            var name: String
            var arguments: String
        }

        var index: Int?
        var id: String
        var type = "function"
        var function: Function

        init(_ call: ToolCall, index: Int?) {
            self.index = index
            id = call.id
            function = Function(name: call.name, arguments: call.arguments)
        }
    }

    struct Choice: Encodable, Sendable {
        var index = 0
        /// Set in a whole response.
        var message: Message?
        /// Set in a chunk.
        var delta: Message?
        var finishReason: FinishReason?

        enum CodingKeys: String, CodingKey { case index, message, delta, logprobs, finishReason = "finish_reason" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(delta, forKey: .delta)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    var id: String
    var object: String
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?
}

/// The body of `GET /v1/models`.
struct ModelList: Encodable, Sendable {
    struct Model: Encodable, Sendable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "llama-swift"

        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    }

    var object = "list"
    var data: [Model]
}
