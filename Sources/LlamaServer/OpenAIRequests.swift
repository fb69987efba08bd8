import LlamaSwift

/// The body of `POST /v1/completions`; fields the server does not use are ignored.
struct CompletionRequest: Decodable, Sendable {
    /// Any name: the loaded model answers, as llama.cpp's server does (clients often send a fixed one).
    var model: String?
    var prompt: PromptField
    var sampling: SamplingFields

    enum CodingKeys: String, CodingKey { case model, prompt }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        prompt = try container.decode(PromptField.self, forKey: .prompt)
        sampling = try SamplingFields(from: decoder)
    }
}

/// The body of `POST /v1/chat/completions`.
struct ChatCompletionRequest: Decodable, Sendable {
    /// One message: `content` a string, `null` (an assistant message that only calls tools) or
    /// a list of parts whose text parts are joined.
    struct Message: Decodable, Sendable {
        var role: String
        var content: String
        var toolCalls: [ToolCallField]?
        var toolCallID: String?

        enum CodingKeys: String, CodingKey { case role, content, toolCalls = "tool_calls", toolCallID = "tool_call_id" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decode(String.self, forKey: .role)
            toolCalls = try container.decodeIfPresent([ToolCallField].self, forKey: .toolCalls)
            toolCallID = try container.decodeIfPresent(String.self, forKey: .toolCallID)
            if try container.decodeNil(forKey: .content) || !container.contains(.content) {
                guard toolCalls?.isEmpty == false else {
                    throw DecodingError.valueNotFound(
                        String.self, .init(codingPath: decoder.codingPath + [CodingKeys.content],
                                           debugDescription: "content may be null only in an assistant message with tool_calls"))
                }
                content = ""
            } else if let text = try? container.decode(String.self, forKey: .content) {
                content = text
            } else {
                let parts = try container.decode([ContentPart].self, forKey: .content)
                content = try parts.enumerated().map { index, part in
                    guard part.type == "text", let text = part.text else {
                        let field = APIError.field(decoder.codingPath + [CodingKeys.content]) ?? "content"
                        throw APIError.invalidRequest(
                            "Unsupported content part type '\(part.type)': only text parts are supported",
                            param: "\(field)[\(index)].type")
                    }
                    return text
                }.joined()
            }
        }
    }

    /// A part of a message's content list.
    struct ContentPart: Decodable, Sendable {
        var type: String
        var text: String?
    }

    /// Any name, as in ``CompletionRequest/model``.
    var model: String?
    var messages: [Message]
    var tools: [ToolField]?
    var toolChoice: ToolChoiceField?
    var sampling: SamplingFields

    enum CodingKeys: String, CodingKey { case model, messages, tools, toolChoice = "tool_choice" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        messages = try container.decode([Message].self, forKey: .messages)
        tools = try container.decodeIfPresent([ToolField].self, forKey: .tools)
        toolChoice = try container.decodeIfPresent(ToolChoiceField.self, forKey: .toolChoice)
        sampling = try SamplingFields(from: decoder)
    }
}

/// An entry of `tools`: `{"type": "function", "function": {"name", "description", "parameters"}}`.
struct ToolField: Decodable, Sendable {
    struct Function: Decodable, Sendable {
        var name: String
        var description: String?
        var parameters: JSONText?
    }

    var type: String
    var function: Function
}

/// An entry of an assistant message's `tool_calls`: `{"id", "type": "function", "function": {"name", "arguments"}}`.
struct ToolCallField: Decodable, Sendable {
    struct Function: Decodable, Sendable {
        var name: String
        /// JSON text; some clients send the object itself.
        var arguments: String

        enum CodingKeys: String, CodingKey { case name, arguments }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            arguments = try (try? container.decode(String.self, forKey: .arguments))
                ?? container.decode(JSONText.self, forKey: .arguments).text
        }
    }

    var id: String
    var type: String?
    var function: Function
}

/// `tool_choice`: `"auto"`, `"none"`, `"required"`, or `{"type": "function", "function": {"name"}}`.
struct ToolChoiceField: Decodable, Sendable {
    var choice: ToolChoice

    struct Named: Decodable, Sendable {
        struct Function: Decodable, Sendable { var name: String }
        var type: String
        var function: Function
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let word = try? container.decode(String.self) {
            switch word {
            case "auto": choice = .auto
            case "none": choice = .none
            case "required": choice = .required
            default:
                throw APIError.invalidRequest("Unsupported tool_choice '\(word)': use auto, none, required or a named function", param: "tool_choice")
            }
        } else {
            let named = try container.decode(Named.self)
            guard named.type == "function" else {
                throw APIError.invalidRequest("Unsupported tool_choice type '\(named.type)': use function", param: "tool_choice.type")
            }
            choice = .function(named.function.name)
        }
    }
}

/// `prompt`: a string, or an array holding exactly one string.
struct PromptField: Decodable, Sendable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
            return
        }
        guard let texts = try? container.decode([String].self) else {
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or an array of one string"))
        }
        guard texts.count == 1 else {
            throw APIError.invalidRequest("Only one prompt per request is supported, got \(texts.count)", param: "prompt")
        }
        text = texts[0]
    }
}

/// `stop`: a string or an array of strings.
struct StopField: Decodable, Sendable {
    var strings: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            strings = [one]
        } else if let many = try? container.decode([String].self) {
            strings = many
        } else {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or an array of strings"))
        }
    }
}

/// The sampling and streaming fields both endpoints share.
struct SamplingFields: Decodable, Sendable {
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Float?
    var topP: Float?
    /// llama.cpp's sampling fields beyond OpenAI's.
    var topK: Int?
    var minP: Float?
    var repeatPenalty: Float?
    var repeatLastN: Int?
    var stop: StopField?
    var seed: Int?
    var presencePenalty: Float?
    var frequencyPenalty: Float?
    var n: Int?
    var stream: Bool?
    var streamOptions: StreamOptions?
    /// OpenAI's structured output: JSON, or JSON a schema accepts.
    var responseFormat: ResponseFormat?
    /// llama.cpp's non-standard GBNF grammar.
    var grammar: String?

    struct StreamOptions: Decodable, Sendable {
        var includeUsage: Bool?

        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", temperature
        case topP = "top_p", topK = "top_k", minP = "min_p", repeatPenalty = "repeat_penalty", repeatLastN = "repeat_last_n"
        case stop, seed, presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty", n, stream, streamOptions = "stream_options"
        case responseFormat = "response_format", grammar
    }
}
