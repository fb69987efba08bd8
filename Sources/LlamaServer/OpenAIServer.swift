import Hummingbird
import Logging

/// An OpenAI-compatible HTTP server over a ``CompletionEngine``.
///
/// Endpoints: `POST /v1/completions`, `POST /v1/chat/completions` (both with `stream: true` as
/// server-sent events), `GET /v1/models` and `GET /health`. Errors are answered with OpenAI's
/// `{"error": {...}}` body.
///
/// ```swift
/// let server = OpenAIServer(engine: engine, configuration: configuration)
/// try await server.run()   // until SIGINT/SIGTERM or the task is cancelled
/// ```
public struct OpenAIServer: Sendable {
    /// The model the server answers with.
    public let engine: any CompletionEngine
    /// Address, concurrency and limits.
    public let configuration: ServerConfiguration
    private let logger: Logger

    /// A server for `engine` with `configuration`, logging to `logger`.
    public init(engine: any CompletionEngine, configuration: ServerConfiguration, logger: Logger = Logger(label: "LlamaServer")) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until the task is cancelled or, with `handleSignals`, until SIGINT or SIGTERM.
    ///
    /// - Parameters:
    ///   - handleSignals: Shut down gracefully on SIGINT and SIGTERM.
    ///   - onRunning: Called once the socket is bound, with the port (useful with port 0).
    public func run(handleSignals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        let service = CompletionService(
            engine: engine,
            scheduler: RequestScheduler(parallel: configuration.parallel, queueLimit: configuration.queueLimit),
            maxBodyBytes: configuration.maxBodyBytes,
            maxTokensLimit: configuration.maxTokensLimit ?? engine.contextSize,
            logger: logger)
        router.get("health") { _, _ in await service.health() }
        router.get("v1/models") { _, _ in try service.models() }
        router.post("v1/completions") { request, _ in try await service.completions(request) }
        router.post("v1/chat/completions") { request, _ in try await service.chatCompletions(request) }
        let app = Application(
            responder: OpenAIErrorResponder(wrapping: router.buildResponder()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "llama-swift"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [])
    }
}

/// Answers every error in OpenAI's shape, including the router's own (404, 405), which come
/// as bare responses, and unexpected errors.
struct OpenAIErrorResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner

    init(wrapping inner: Inner) {
        self.inner = inner
    }

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        let answer: APIError
        do {
            let response = try await inner.respond(to: request, context: context)
            // Answers from APIError are JSON already.
            guard response.status.code >= 400, response.headers[.contentType] != "application/json" else { return response }
            let isClientError = response.status.code < 500
            answer = APIError(
                status: response.status, message: "\(request.method) \(request.uri.path): \(response.status.reasonPhrase)",
                type: isClientError ? "invalid_request_error" : "server_error")
        } catch {
            answer = .internalError("\(error)")
        }
        return try answer.response()
    }
}
