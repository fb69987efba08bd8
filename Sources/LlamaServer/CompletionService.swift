import Foundation
import Hummingbird
import LlamaSwift
import Logging

/// The OpenAI endpoints over one ``CompletionEngine``.
struct CompletionService: Sendable {
    let engine: any CompletionEngine
    let scheduler: RequestScheduler
    let maxBodyBytes: Int
    let maxTokensLimit: Int
    let logger: Logger
    /// When the server started: the `created` time of the model.
    let started = Int(Date().timeIntervalSince1970)

    /// Which endpoint a generation answers, which decides the shape of its JSON.
    enum Endpoint {
        case completions
        case chat
    }

    /// `GET /health`.
    func health() async -> Response {
        let load = await scheduler.load
        let body = #"{"status":"ok","slots_busy":\#(load.running),"queued":\#(load.waiting)}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `GET /v1/models`.
    func models() throws -> Response {
        try json(ModelList(data: [.init(id: engine.modelName, created: started)]))
    }

    /// `POST /v1/completions`.
    func completions(_ request: Request) async throws -> Response {
        let body: CompletionRequest = try await decode(request)
        let parameters = try body.sampling.parameters(maxTokensLimit: maxTokensLimit)
        return try await serve(
            .completions, prompt: .text(body.prompt.text), parameters: parameters, sampling: body.sampling)
    }

    /// `POST /v1/chat/completions`.
    func chatCompletions(_ request: Request) async throws -> Response {
        let body: ChatCompletionRequest = try await decode(request)
        let chat = try Self.check(body, maxTokensLimit: maxTokensLimit, toolCallFormat: engine.toolCallFormat)
        return try await serve(
            .chat, prompt: .chat(chat.turns, tools: chat.tools), parameters: chat.parameters, sampling: body.sampling,
            toolCalls: chat.tools.isEmpty ? nil : ToolCallParser(tools: chat.tools))
    }

    /// A chat request checked, before it needs the model: its turns, its parameters (with the
    /// constraint a required or named `tool_choice` forces) and the tools the prompt shows.
    struct CheckedChat {
        var turns: [ChatTurn]
        var parameters: CompletionParameters
        var tools: [ToolDefinition]
    }

    /// Checks a chat request's fields, its tools and its `tool_choice` in `toolCallFormat`.
    static func check(_ body: ChatCompletionRequest, maxTokensLimit: Int, toolCallFormat: ToolCallFormat) throws -> CheckedChat {
        guard !body.messages.isEmpty else { throw APIError.invalidRequest("messages must not be empty", param: "messages") }
        let turns = body.messages.map { message in
            ChatTurn(
                role: message.role, content: message.content,
                toolCalls: (message.toolCalls ?? []).map { ToolCall(id: $0.id, name: $0.function.name, arguments: $0.function.arguments) },
                toolCallID: message.toolCallID)
        }
        var parameters = try body.sampling.parameters(maxTokensLimit: maxTokensLimit)
        let tools = try Self.tools(body.tools ?? [])
        let choice = body.toolChoice?.choice ?? .auto
        do {
            if let forced = try toolCallFormat.constraint(tools: tools, choice: choice) {
                guard parameters.constraint == nil else {
                    throw APIError.invalidRequest(
                        "A required or named tool_choice cannot be combined with response_format or grammar", param: "tool_choice")
                }
                parameters.constraint = forced
            }
        } catch let error as LlamaError {
            guard case .invalidParameter(let name, _, let reason) = error else { throw APIError.invalidRequest(error.description) }
            throw APIError.invalidRequest(reason, param: name)
        }
        return CheckedChat(turns: turns, parameters: parameters, tools: choice == .none ? [] : tools)
    }

    /// The library's tools for a request's `tools`, checked: functions only, with names OpenAI
    /// allows (letters, digits, `_` and `-`, at most 64), each once.
    static func tools(_ fields: [ToolField]) throws(APIError) -> [ToolDefinition] {
        var tools: [ToolDefinition] = []
        for (index, field) in fields.enumerated() {
            guard field.type == "function" else {
                throw .invalidRequest("Unsupported tool type '\(field.type)': use function", param: "tools[\(index)].type")
            }
            let name = field.function.name
            let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-") }
            guard !name.isEmpty, name.count <= 64, allowed else {
                throw .invalidRequest(
                    "Tool name '\(name)' must be 1 to 64 letters, digits, underscores or dashes", param: "tools[\(index)].function.name")
            }
            guard !tools.contains(where: { $0.name == name }) else {
                throw .invalidRequest("Tool name '\(name)' is given twice", param: "tools[\(index)].function.name")
            }
            tools.append(ToolDefinition(
                name: name, description: field.function.description ?? "",
                parameters: field.function.parameters?.text ?? #"{"type":"object","properties":{}}"#))
        }
        return tools
    }

    /// Checks a request, waits for a slot and answers it whole or as server-sent events; with
    /// `toolCalls`, the reply's tool calls are parsed out of its text.
    private func serve(
        _ endpoint: Endpoint, prompt: CompletionPrompt, parameters: CompletionParameters, sampling: SamplingFields,
        toolCalls: ToolCallParser? = nil
    ) async throws -> Response {
        let promptTokens = try engine.promptTokenCount(prompt)
        guard promptTokens > 0 else { throw APIError.invalidRequest("The prompt is empty", param: "prompt") }
        guard promptTokens < engine.contextSize else {
            throw APIError.invalidRequest(
                "This model's context holds \(engine.contextSize) tokens, but the prompt has \(promptTokens): "
                    + "shorten it to leave room for the reply",
                param: endpoint == .chat ? "messages" : "prompt", code: "context_length_exceeded")
        }
        let lease = try await scheduler.admit()
        let reply = Reply(
            endpoint: endpoint, id: (endpoint == .chat ? "chatcmpl-" : "cmpl-") + UUID().uuidString,
            created: Int(Date().timeIntervalSince1970), model: engine.modelName, promptTokens: promptTokens)
        let events = engine.events(for: prompt, parameters: parameters)
        if sampling.stream == true {
            return stream(
                events, reply: reply, includeUsage: sampling.streamOptions?.includeUsage == true, toolCalls: toolCalls, lease: lease)
        }
        let response = try await whole(events, reply: reply, toolCalls: toolCalls)
        // The slot is held until the answer is complete.
        withExtendedLifetime(lease) {}
        return response
    }

    /// The answer of a request that does not stream: all of the text (or its tool calls), then usage.
    private func whole(
        _ events: AsyncThrowingStream<GenerationEvent, any Error>, reply: Reply, toolCalls: ToolCallParser?
    ) async throws -> Response {
        var text = ""
        do {
            for try await event in events {
                switch event {
                case .text(let piece): text += piece
                case .finished(var outcome):
                    guard let parsed = toolCalls?.parse(text), !parsed.toolCalls.isEmpty else {
                        return try json(reply.whole(text: text, outcome: outcome))
                    }
                    outcome.finishReason = .toolCalls
                    return try json(reply.whole(text: parsed.content, toolCalls: parsed.toolCalls, outcome: outcome))
                }
            }
        } catch {
            throw apiError(from: error)
        }
        throw APIError.internalError("the generation ended without an outcome")
    }

    /// The response that streams `events` as `data: {...}` lines and ends with `data: [DONE]`;
    /// with `toolCalls`, text that may begin a call is held back and the calls come as one
    /// delta at the end.
    private func stream(
        _ events: AsyncThrowingStream<GenerationEvent, any Error>, reply: Reply, includeUsage: Bool, toolCalls: ToolCallParser?,
        lease: SlotLease
    ) -> Response {
        let logger = logger
        let body = ResponseBody { writer in
            if reply.endpoint == .chat {
                try await writer.write(ServerSentEvents.event(reply.chunk(text: nil, finishReason: nil)))
            }
            var split = toolCalls.map { ToolCallStream(parser: $0) }
            var iterator = events.makeAsyncIterator()
            while true {
                // A failing write (the client went away) ends the body and, by dropping the
                // iterator, the generation; a failing generation is reported in the stream.
                let event: GenerationEvent?
                do {
                    event = try await iterator.next()
                } catch {
                    logger.warning("generation failed mid-stream: \(error)")
                    try await writer.write(ServerSentEvents.event(apiError(from: error).body))
                    break
                }
                guard let event else { break }
                switch event {
                case .text(let piece):
                    let shown = split?.append(piece) ?? piece
                    if !shown.isEmpty { try await writer.write(ServerSentEvents.event(reply.chunk(text: shown, finishReason: nil))) }
                case .finished(var outcome):
                    if let end = split?.finish() {
                        if !end.content.isEmpty {
                            try await writer.write(ServerSentEvents.event(reply.chunk(text: end.content, finishReason: nil)))
                        }
                        if !end.toolCalls.isEmpty {
                            try await writer.write(ServerSentEvents.event(reply.toolCallChunk(end.toolCalls)))
                            outcome.finishReason = .toolCalls
                        }
                    }
                    try await writer.write(ServerSentEvents.event(reply.chunk(text: nil, finishReason: outcome.finishReason)))
                    if includeUsage { try await writer.write(ServerSentEvents.event(reply.usageChunk(outcome))) }
                }
            }
            try await writer.write(ServerSentEvents.done)
            try await writer.finish(nil)
            // The closure holds the slot until the stream is written out (or, after a failed
            // write, until the response is dropped).
            withExtendedLifetime(lease) {}
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }

    /// Reads and decodes a JSON body, answering 413 above the size limit and 400 for bad JSON.
    private func decode<Body: Decodable>(_ request: Request) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        }
        return try Self.decode(Data(buffer: buffer))
    }

    /// Decodes a JSON body; bad JSON or a field of the wrong type is a 400 naming it.
    static func decode<Body: Decodable>(_ data: Data) throws -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw APIError.decoding(error)
        }
    }

    private func json(_ value: some Encodable) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try value.jsonData())))
    }

    private func apiError(from error: any Error) -> APIError {
        if let error = error as? APIError { return error }
        return .internalError("generation failed: \(error)")
    }
}
