import ArgumentParser

/// The `llama-swift` command: runs LLaMA models stored as GGUF files.
@main
struct LlamaSwiftCommand: AsyncParsableCommand {
    /// Every subcommand; add new ones here.
    static let subcommands: [any ParsableCommand.Type] = [
        GenerateCommand.self,
        EvalCommand.self,
        TokenizeCommand.self,
        QuantizeCommand.self,
        ServeCommand.self,
        TemplateCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "llama-swift",
        abstract: "Run LLaMA, Mistral, Qwen, Phi-3 and Gemma models stored as GGUF files.",
        subcommands: subcommands,
        defaultSubcommand: GenerateCommand.self
    )
}
