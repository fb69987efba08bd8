import ArgumentParser

/// `llama-swift-bench`: prompt-processing and generation speed per model and backend, beside llama.cpp's.
@main
struct LlamaSwiftBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llama-swift-bench",
        abstract: "Benchmark LlamaSwift (and llama.cpp on the same files) in the spirit of llama-bench.",
        subcommands: [RunCommand.self, MakeModelsCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
