/// The body of `POST /v1/completions`; fields the server does not use are ignored.
struct CompletionRequest: Decodable, Sendable {
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
    struct Message: Decodable, Sendable {
        var role: String
        var content: String
    }

    var model: String?
    var messages: [Message]
    var sampling: SamplingFields

    enum CodingKeys: String, CodingKey { case model, messages }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        messages = try container.decode([Message].self, forKey: .messages)
        sampling = try SamplingFields(from: decoder)
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
        case topP = "top_p", stop, seed, presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty", n, stream, streamOptions = "stream_options"
        case responseFormat = "response_format", grammar
    }
}
