import ArgumentParser
import Foundation
import LlamaSwift
import Logging

/// The options every subcommand that runs a model shares.
struct ModelOptions: ParsableArguments {
    @Option(name: [.customShort("m"), .long], help: "Path of the GGUF model (default: the stories260K fixture).")
    var model: String?

    @Option(name: [.customShort("c"), .customLong("ctx-size")], parsing: .unconditional, help: "Context size in tokens (0: the model's, at most 4096).")
    var contextSize: Int = 0

    @Option(name: [.customShort("b"), .customLong("batch-size")], parsing: .unconditional, help: "Prompt tokens evaluated per batch.")
    var batchSize: Int = 512

    @Option(name: [.customShort("t"), .long], parsing: .unconditional, help: "Threads for the matrix kernels (default: all cores).")
    var threads: Int?

    @Option(help: "Compute backend: cpu, blas, vulkan or auto (Vulkan on a real GPU, else CPU).")
    var backend: ComputeBackend = .cpu

    @Option(name: .customLong("device"), help: "Vulkan device index (default: the best device).")
    var device: Int?

    @Option(name: [.customLong("cache-type-k"), .customLong("ctk", withSingleDash: true)],
            help: "How the KV cache stores keys: f16, q8_0 or f32 (Vulkan: f16).")
    var cacheTypeK: KVCacheType = .f16

    @Option(name: [.customLong("cache-type-v"), .customLong("ctv", withSingleDash: true)],
            help: "How the KV cache stores values; the same as the keys' (one type for both).")
    var cacheTypeV: KVCacheType?

    @Flag(name: .long, help: "Log the library's informational messages to stderr.")
    var verbose = false

    /// The cache type `--cache-type-k` and `--cache-type-v` name together.
    func cacheType() throws -> KVCacheType {
        if let cacheTypeV, cacheTypeV != cacheTypeK {
            throw ValidationError("--cache-type-v \(cacheTypeV) differs from --cache-type-k \(cacheTypeK): keys and values share one type")
        }
        return cacheTypeK
    }

    /// The model path: `--model`, else the stories260K fixture from the usual places.
    func resolvedModelPath() throws -> String {
        if let model { return model }
        let candidates = ["../shared/fixtures/stories260K.gguf", "Fixtures/models/stories260K.gguf"]
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw ValidationError(
            "no model given (-m) and the default stories260K.gguf is not at \(candidates.joined(separator: " or "))")
    }

    /// Models at least this large (in bytes of weights) get a loading progress line on a terminal.
    static let progressThreshold = 256 << 20

    /// Loads the model and opens a session with the requested context and batch sizes.
    func load() async throws -> (model: LlamaModel, session: LlamaSession, seconds: Double) {
        let level: Logger.Level = verbose ? .info : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let start = ContinuousClock.now
        let cacheType = try cacheType()
        let model = try await LlamaModel.load(
            path: try resolvedModelPath(), threads: threads, computeBackend: backend, deviceIndex: device)
        if let reason = model.backendChoice {
            FileHandle.standardError.write(Data("llama-swift: backend \(model.computeBackend): \(reason)\n".utf8))
        }
        if isatty(STDERR_FILENO) != 0, model.weightByteCount >= Self.progressThreshold {
            // Read the weights now, behind a progress line, rather than stall on the first token.
            var shown = -1
            model.preload { fraction in
                let percent = Int(fraction * 100)
                guard percent != shown else { return }
                shown = percent
                FileHandle.standardError.write(Data("\rloading weights: \(percent)%".utf8))
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        let session = try model.makeSession(
            contextSize: contextSize == 0 ? nil : contextSize, batchSize: batchSize, cacheType: cacheType)
        return (model, session, (ContinuousClock.now - start) / .seconds(1))
    }
}

extension ComputeBackend: ExpressibleByArgument {}
extension KVCacheType: ExpressibleByArgument {}
