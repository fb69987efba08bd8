import ArgumentParser
import Foundation
import LlamaServer

/// `llama-swift serve`: an OpenAI-compatible HTTP server for one model.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions)."
    )

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var chatTemplate: ChatTemplateOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(parsing: .unconditional, help: "Requests generating at the same time, each with its own session.")
    var parallel = 1

    @Option(name: .customLong("queue-size"), parsing: .unconditional, help: "Requests that may wait for a slot; more get 503.")
    var queueSize = 64

    @Option(name: .customLong("max-tokens"), parsing: .unconditional, help: "Most tokens one request may generate (0: the context size).")
    var maxTokens = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard queueSize >= 0 else { throw ValidationError("--queue-size must be 0 or more") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be 0 (the context size) or more") }
    }

    func run() async throws {
        let (model, session, loadSeconds) = try await modelOptions.load()
        let path = try modelOptions.resolvedModelPath()
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let template = try chatTemplate.template(for: model)
        let engine = LlamaEngine(
            session: session, name: name, batchSize: modelOptions.batchSize, sessions: parallel, template: template)
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.parallel = parallel
        configuration.queueLimit = queueSize
        configuration.maxTokensLimit = maxTokens == 0 ? nil : maxTokens
        standardError("llama-swift: loaded \(model.configuration.blockCount)-layer model in \(format(loadSeconds)) s\n")
        try await OpenAIServer(engine: engine, configuration: configuration).run { port in
            // Scripts and tests read the port from this line (it matters with --port 0).
            standardError("llama-swift: serving \(name) on http://\(host):\(port) (context \(engine.contextSize), \(parallel) parallel)\n")
        }
    }
}
