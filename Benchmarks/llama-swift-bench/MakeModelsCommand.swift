import ArgumentParser
import Foundation
import LlamaKernels
import LlamaSwift

/// `llama-swift-bench make-models`: writes real-shaped synthetic models with our own writer and quantizer.
struct MakeModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-models",
        abstract: "Write real-shaped models with random weights (our writer and quantizer) for benchmarks."
    )

    @Option(name: .customLong("out"), help: "Folder to write the models to.")
    var outputDirectory: String = "Benchmarks/models"

    @Option(name: .customLong("shape"), help: "Comma-separated shapes: llama3-1b, llama3-8b, llama2-7b, qwen2.5-1.5b, gemma2-2b.")
    var shapes: String = "llama3-1b"

    @Option(name: .customLong("type"), help: "Comma-separated quantization presets (Q4_0, Q5_K_M, Q6_K, ...).")
    var types: String = "Q4_0"

    @Option(name: .customLong("vocab-dir"), help: "Folder with the vocab-only GGUFs the shapes copy (ggml-vocab-llama-spm, -llama-bpe, -qwen2, -gemma-4).")
    var vocabularyDirectory: String = "../shared/fixtures/tokenizer"

    @Option(name: .shortAndLong, help: "Threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seed of the random weights.")
    var seed: UInt64 = 1

    @Flag(help: "Rewrite models that already exist.")
    var force = false

    func run() async throws {
        let shapeList = try shapes.split(separator: ",").map { name in
            guard let shape = SyntheticModel.Shape(rawValue: String(name)) else {
                throw ValidationError("--shape: unknown shape '\(name)' (known: \(SyntheticModel.Shape.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return shape
        }
        let presetList = try types.split(separator: ",").map { name in
            guard let preset = QuantizationPreset(name: String(name)) else {
                throw ValidationError("--type: unknown type '\(name)'")
            }
            return preset
        }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1") }
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let pool = ThreadPool(threadCount: threads)
        for shape in shapeList {
            for preset in presetList {
                let model = SyntheticModel(shape: shape, preset: preset, seed: seed)
                let path = (outputDirectory as NSString).appendingPathComponent(model.fileName)
                if !force, FileManager.default.fileExists(atPath: path) {
                    print("exists: \(path)")
                    continue
                }
                let vocabulary = (vocabularyDirectory as NSString).appendingPathComponent(shape.vocabulary)
                let start = Date()
                try model.write(to: path, vocabularyFile: vocabulary, pool: pool)
                print(String(format: "wrote %@ in %.1f s", path, Date().timeIntervalSince(start)))
            }
        }
    }
}
