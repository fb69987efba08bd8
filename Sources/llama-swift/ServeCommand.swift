import ArgumentParser
import Foundation
import LlamaServer
import LlamaSwift

/// `llama-swift serve`: an OpenAI-compatible HTTP server for one model.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions)."
    )

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var chatTemplate: ChatTemplateOptions

    @Option(help: "The model's name in /v1/models and in answers (default: the file's name); requests may name any model.")
    var alias: String?

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(parsing: .unconditional, help: "Port to listen on (0: any free port; default 8080).")
    var port: Int?

    @Option(parsing: .unconditional, help: "Requests generating at the same time, each with its own session (default 1).")
    var parallel: Int?

    @Option(name: .customLong("queue-size"), parsing: .unconditional, help: "Requests that may wait for a slot; more get 503 (default 64).")
    var queueSize: Int?

    @Option(name: .customLong("max-tokens"), parsing: .unconditional, help: "Most tokens one request may generate (default 0: the context size).")
    var maxTokens: Int?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1") }
        if let queueSize, queueSize < 0 { throw ValidationError("--queue-size must be 0 or more") }
        if let maxTokens, maxTokens < 0 { throw ValidationError("--max-tokens must be 0 (the context size) or more") }
    }

    func run() async throws {
        // The configuration's keys where no flag is given (its sampling keys are per request, not the server's).
        let settings = try modelOptions.configuration()
        let host = host ?? settings.host ?? "127.0.0.1"
        let parallel = parallel ?? settings.parallel ?? 1
        let maxTokens = maxTokens ?? settings.maxTokens.map { max($0, 0) } ?? 0
        let loaded = try await modelOptions.load(settings)
        let name = alias ?? settings.alias ?? URL(fileURLWithPath: loaded.path).deletingPathExtension().lastPathComponent
        let template = try chatTemplate.template(for: loaded.model, configuration: settings)
        let engine = LlamaEngine(
            session: loaded.session, name: name, batchSize: modelOptions.effectiveBatchSize(settings), sessions: parallel,
            template: template)
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port ?? settings.port ?? 8080
        configuration.parallel = parallel
        configuration.queueLimit = queueSize ?? settings.queueSize ?? 64
        configuration.maxTokensLimit = maxTokens == 0 ? nil : maxTokens
        standardError("llama-swift: loaded \(loaded.model.configuration.blockCount)-layer model in \(format(loaded.seconds)) s\n")
        try await OpenAIServer(engine: engine, configuration: configuration).run { port in
            // Scripts and tests read the port from this line (it matters with --port 0).
            standardError("llama-swift: serving \(name) on http://\(host):\(port) (context \(engine.contextSize), \(parallel) parallel)\n")
        }
    }
}
