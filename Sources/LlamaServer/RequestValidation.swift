import LlamaSwift

extension SamplingFields {
    /// The engine's parameters for these fields, checked against OpenAI's ranges.
    ///
    /// - Parameter maxTokensLimit: The most tokens one request may ask for; also the default.
    /// - Throws: ``APIError/invalidRequest(_:param:code:)`` naming the first bad field.
    func parameters(maxTokensLimit: Int) throws(APIError) -> CompletionParameters {
        var parameters = CompletionParameters()
        if let n, n != 1 {
            throw .invalidRequest("Only n=1 is supported, got \(n)", param: "n")
        }
        let requested = maxCompletionTokens ?? maxTokens
        let maxTokensName = maxCompletionTokens == nil ? "max_tokens" : "max_completion_tokens"
        if let requested {
            guard requested >= 1 else {
                throw .invalidRequest("\(maxTokensName) must be at least 1, got \(requested)", param: maxTokensName)
            }
            guard requested <= maxTokensLimit else {
                throw .invalidRequest(
                    "\(maxTokensName) is too large: \(requested); this server allows at most \(maxTokensLimit)",
                    param: maxTokensName)
            }
        }
        parameters.maxTokens = requested ?? maxTokensLimit
        if let temperature {
            guard temperature >= 0 && temperature <= 2 else {
                throw .invalidRequest("temperature must be between 0 and 2, got \(temperature)", param: "temperature")
            }
            parameters.temperature = temperature
        }
        if let topP {
            guard topP >= 0 && topP <= 1 else {
                throw .invalidRequest("top_p must be between 0 and 1, got \(topP)", param: "top_p")
            }
            // top_p 0 keeps only the most likely token: greedy decoding.
            if topP == 0 { parameters.temperature = 0 } else { parameters.topP = topP }
        }
        if let topK {
            guard topK >= 0 else { throw .invalidRequest("top_k must be 0 (all tokens) or more, got \(topK)", param: "top_k") }
            parameters.topK = topK
        }
        if let minP {
            guard minP >= 0 && minP <= 1 else { throw .invalidRequest("min_p must be between 0 and 1, got \(minP)", param: "min_p") }
            parameters.minP = minP
        }
        if let repeatPenalty {
            guard repeatPenalty > 0 && repeatPenalty <= 10 else {
                throw .invalidRequest("repeat_penalty must be above 0 and at most 10, got \(repeatPenalty)", param: "repeat_penalty")
            }
            parameters.repeatPenalty = repeatPenalty
        }
        if let repeatLastN {
            guard repeatLastN >= -1 else {
                throw .invalidRequest("repeat_last_n must be -1 (the whole context) or more, got \(repeatLastN)", param: "repeat_last_n")
            }
            parameters.repeatLastN = repeatLastN
        }
        for (name, value) in [("presence_penalty", presencePenalty), ("frequency_penalty", frequencyPenalty)] {
            if let value, !(value >= -2 && value <= 2) {
                throw .invalidRequest("\(name) must be between -2 and 2, got \(value)", param: name)
            }
        }
        parameters.presencePenalty = presencePenalty ?? 0
        parameters.frequencyPenalty = frequencyPenalty ?? 0
        parameters.seed = seed.map { UInt64(bitPattern: Int64($0)) }
        if let stop = stop?.strings {
            guard stop.count <= 4 else {
                throw .invalidRequest("stop may hold at most 4 sequences, got \(stop.count)", param: "stop")
            }
            guard !stop.contains("") else { throw .invalidRequest("stop sequences must not be empty", param: "stop") }
            parameters.stop = stop
        }
        parameters.constraint = try constraint()
        return parameters
    }

    /// The output constraint `response_format` or `grammar` asks for, compiled to check it: a
    /// schema or grammar the engine cannot enforce is refused, never answered with free text.
    private func constraint() throws(APIError) -> OutputConstraint? {
        let constraint: OutputConstraint?, param: String
        switch (responseFormat, grammar) {
        case (let format?, nil):
            param = "response_format"
            switch format.type {
            case "text": constraint = nil
            case "json_object": constraint = .jsonObject
            case "json_schema":
                guard let schema = format.jsonSchema?.schema else {
                    throw .invalidRequest("response_format json_schema needs json_schema.schema", param: "response_format.json_schema.schema")
                }
                constraint = .jsonSchema(schema.text)
            default:
                throw .invalidRequest(
                    "Unsupported response_format type '\(format.type)': use text, json_object or json_schema", param: "response_format.type")
            }
        case (nil, let grammar?):
            param = "grammar"
            constraint = .grammar(grammar)
        case (nil, nil):
            return nil
        case (_?, _?):
            throw .invalidRequest("Give response_format or grammar, not both", param: "grammar")
        }
        do { try constraint?.validate() } catch {
            guard case .invalidParameter(_, _, let reason) = error else { throw .invalidRequest("\(error)", param: param) }
            throw .invalidRequest(reason, param: param)
        }
        return constraint
    }
}
