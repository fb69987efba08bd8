import ArgumentParser
import Foundation
import LlamaSwift
import LlamaTokenizer

/// `llama-swift generate`: continues a prompt, or chats with `--chat`, streaming text to stdout
/// and a timings summary to stderr.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt (or chat, with --chat), streaming the text to stdout."
    )

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var promptCache: PromptCacheOptions

    @Option(name: [.customShort("p"), .long], help: "The prompt.")
    var prompt: String?

    @Option(name: [.customShort("f"), .long], help: "Read the prompt from this file.")
    var file: String?

    @Option(name: [.customShort("n"), .customLong("n-predict")], parsing: .unconditional, help: "Tokens to generate (default -1: until the context is full).")
    var nPredict: Int?

    @Option(name: .customLong("temp"), parsing: .unconditional, help: "Temperature (0: greedy; default 0.8).")
    var temperature: Float?

    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Top-k sampling (0: off; default 40).")
    var topK: Int?

    @Option(name: .customLong("top-p"), parsing: .unconditional, help: "Top-p sampling (1: off; default 0.95).")
    var topP: Float?

    @Option(name: .customLong("min-p"), parsing: .unconditional, help: "Min-p sampling (0: off; default 0.05).")
    var minP: Float?

    @Option(name: .customLong("repeat-penalty"), parsing: .unconditional, help: "Penalty for repeated tokens (1: off, the default).")
    var repeatPenalty: Float?

    @Option(name: .customLong("repeat-last-n"), parsing: .unconditional, help: "Tokens the penalties look back over (0: off, -1: whole context; default 64).")
    var repeatLastN: Int?

    @Option(name: .customLong("frequency-penalty"), parsing: .unconditional, help: "Frequency penalty (0: off, the default).")
    var frequencyPenalty: Float?

    @Option(name: .customLong("presence-penalty"), parsing: .unconditional, help: "Presence penalty (0: off, the default).")
    var presencePenalty: Float?

    @Option(name: [.customShort("s"), .long], parsing: .unconditional, help: "Sampling seed (-1: random, the default).")
    var seed: Int64?

    @Option(name: .customLong("stop"), help: "Stop before this string (repeatable).")
    var stop: [String] = []

    @Flag(name: .customLong("chat"), help: "Interactive chat using the model's chat template.")
    var chat = false

    @Option(name: .customLong("system"), help: "System prompt for --chat.")
    var system: String?

    @OptionGroup var chatTemplate: ChatTemplateOptions

    @OptionGroup var constraint: ConstraintOptions

    func run() async throws {
        let configuration = try modelOptions.configuration()
        let parameters = try generationParameters(configuration)
        let loaded = try await modelOptions.load(configuration)
        let (model, session, loadSeconds) = (loaded.model, loaded.session, loaded.seconds)
        if chat {
            let template = try chatTemplate.template(for: model, configuration: configuration)
            try await runChat(session: session, parameters: parameters, template: template)
        } else {
            let text = try promptText()
            try await promptCache.restore(into: session)
            for try await piece in session.generate(prompt: text, parameters: parameters) {
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
            print()
            try await promptCache.save(session)
            standardError(summary(await session.statistics, loadSeconds: loadSeconds))
        }
    }

    /// The parameters from the flags over the configuration's sampling keys, range-checked.
    func generationParameters(_ configuration: LlamaConfiguration) throws -> GenerationParameters {
        var parameters: GenerationParameters
        do { parameters = try configuration.generationParameters(source: modelOptions.configPath ?? "configuration") } catch {
            throw CommandFailure("--config: \(error.description)")
        }
        if let temperature { parameters.temperature = temperature }
        if let topK { parameters.topK = topK }
        if let topP { parameters.topP = topP }
        if let minP { parameters.minP = minP }
        if let repeatPenalty { parameters.repetitionPenalty = repeatPenalty }
        if let repeatLastN { parameters.repeatLastN = repeatLastN }
        if let frequencyPenalty { parameters.frequencyPenalty = frequencyPenalty }
        if let presencePenalty { parameters.presencePenalty = presencePenalty }
        if let seed {
            guard seed >= -1 else { throw LlamaError.invalidParameter(name: "--seed", value: "\(seed)", reason: "must be -1 (random) or more") }
            parameters.seed = seed == -1 ? nil : UInt64(seed)
        }
        if let nPredict { parameters.maxTokens = nPredict }
        if !stop.isEmpty { parameters.stop = stop }
        if let flagged = try constraint.constraint() { parameters.constraint = flagged }
        try parameters.validate()
        return parameters
    }

    private func promptText() throws -> String {
        if prompt != nil, file != nil {
            throw ValidationError("give the prompt with -p or -f, not both")
        }
        if let file {
            do { return try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read the prompt file \(file): \(error.localizedDescription)")
            }
        }
        return prompt ?? ""
    }

    private func runChat(session: LlamaSession, parameters: GenerationParameters, template: ChatTemplate?) async throws {
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(system)) }
        if let first = try? promptText(), !first.isEmpty {
            messages.append(.user(first))
            messages.append(.assistant(try await reply(session, messages, parameters, template)))
        }
        while true {
            FileHandle.standardOutput.write(Data("> ".utf8))
            guard let line = readLine() else { break }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            messages.append(.user(line))
            messages.append(.assistant(try await reply(session, messages, parameters, template)))
        }
    }

    private func reply(
        _ session: LlamaSession, _ messages: [ChatMessage], _ parameters: GenerationParameters, _ template: ChatTemplate?
    ) async throws -> String {
        var answer = ""
        for try await piece in session.chat(messages: messages, parameters: parameters, template: template) {
            answer += piece
            FileHandle.standardOutput.write(Data(piece.utf8))
        }
        print()
        standardError(summary(await session.statistics, loadSeconds: nil))
        return answer
    }

    private func summary(_ s: GenerationStatistics, loadSeconds: Double?) -> String {
        var lines: [String] = []
        if let loadSeconds { lines.append("load time:   \(format(loadSeconds * 1000)) ms") }
        lines.append("prompt:      \(s.promptTokens) tokens in \(format(s.promptSeconds * 1000)) ms (\(format(s.promptTokensPerSecond)) tokens/s)")
        lines.append("generation:  \(s.generatedTokens) tokens in \(format(s.generationSeconds * 1000)) ms (\(format(s.generationTokensPerSecond)) tokens/s)")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Writes `text` to standard error.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// A number with two decimals.
func format(_ value: Double) -> String {
    String(format: "%.2f", value)
}
