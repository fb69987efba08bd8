import Foundation
import LlamaSwift

/// An OpenAI request body decoded and checked as the server does before it needs the model: the
/// JSON, every field's type and range, the tools, `tool_choice`, `response_format` and `grammar`
/// (compiled). The fuzzer drives request bodies through it; a tool can use it to check a body.
public enum RequestBodyCheck {
    /// The endpoint whose body it is.
    public enum Endpoint: String, Sendable, CaseIterable {
        /// `POST /v1/completions`.
        case completions
        /// `POST /v1/chat/completions`.
        case chatCompletions = "chat"
    }

    /// Checks `body` as `endpoint` receives it.
    ///
    /// - Parameters:
    ///   - maxTokensLimit: The most tokens one request may ask for, as the server's limit.
    ///   - toolCallFormat: The tool-call format of the model's template, which shapes the
    ///     constraint a required or named `tool_choice` forces.
    /// - Throws: ``APIError`` with the status and field the server would answer.
    public static func check(
        _ body: Data, endpoint: Endpoint, maxTokensLimit: Int = 4096, toolCallFormat: ToolCallFormat = .generic
    ) throws(APIError) {
        do {
            switch endpoint {
            case .completions:
                let request: CompletionRequest = try CompletionService.decode(body)
                _ = try request.sampling.parameters(maxTokensLimit: maxTokensLimit)
            case .chatCompletions:
                let request: ChatCompletionRequest = try CompletionService.decode(body)
                _ = try CompletionService.check(request, maxTokensLimit: maxTokensLimit, toolCallFormat: toolCallFormat)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw .invalidRequest("\(error)")
        }
    }
}
