import ArgumentParser
import Foundation
import LlamaHub
import LlamaSwift
import Logging

/// The options every subcommand that runs a model shares. Each falls back to the `--config`
/// file's key of the same meaning, then to its default.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A JSON configuration file (README, \"Configuration\"); flags override its keys.")
    var configPath: String?

    @Option(name: [.customShort("m"), .long], help: "Path of the GGUF model (default: the stories260K fixture).")
    var model: String?

    @Option(name: [.customLong("hf-repo"), .customLong("hf", withSingleDash: true)],
            help: "A Hugging Face model, OWNER/REPO[:QUANT], downloaded into the cache (LLAMA_SWIFT_CACHE) when not there.")
    var hfRepo: String?

    @Option(name: .customLong("hf-file"), help: "The file of --hf-repo to take (default: the one QUANT names, else Q4_K_M).")
    var hfFile: String?

    @Flag(name: .customLong("offline"), help: "Use only models already in the download cache.")
    var offline = false

    @Option(name: [.customShort("c"), .customLong("ctx-size")], parsing: .unconditional, help: "Context size in tokens (default 0: the model's, at most 4096).")
    var contextSize: Int?

    @Option(name: [.customShort("b"), .customLong("batch-size")], parsing: .unconditional, help: "Prompt tokens evaluated per batch (default 512).")
    var batchSize: Int?

    @Option(name: [.customShort("t"), .long], parsing: .unconditional, help: "Threads for the matrix kernels (default: all cores).")
    var threads: Int?

    @Option(help: "Compute backend: cpu, blas, vulkan or auto (Vulkan on a real GPU, else CPU; default cpu).")
    var backend: ComputeBackend?

    @Option(name: .customLong("device"), help: "Vulkan device index (default: the best device).")
    var device: Int?

    @Option(name: [.customLong("cache-type-k"), .customLong("ctk", withSingleDash: true)],
            help: "How the KV cache stores keys: f16 (default), q8_0 or f32 (Vulkan: f16).")
    var cacheTypeK: KVCacheType?

    @Option(name: [.customLong("cache-type-v"), .customLong("ctv", withSingleDash: true)],
            help: "How the KV cache stores values; the same as the keys' (one type for both).")
    var cacheTypeV: KVCacheType?

    @Flag(name: .long, help: "Log the library's informational messages to stderr.")
    var verbose = false

    func validate() throws {
        if model != nil, hfRepo != nil { throw ValidationError("give -m or -hf, not both") }
    }

    /// The `--config` file, or an empty configuration.
    func configuration() throws -> LlamaConfiguration {
        guard let configPath else { return LlamaConfiguration() }
        do {
            let configuration = try LlamaConfiguration(contentsOfFile: configPath)
            // Every key is checked, including those this subcommand does not read.
            _ = try configuration.generationParameters(source: configPath)
            return configuration
        } catch {
            throw CommandFailure("--config: \(error.description)")
        }
    }

    /// The cache type `--cache-type-k` and `--cache-type-v` (else the configuration) name together.
    func cacheType(_ configuration: LlamaConfiguration) throws -> KVCacheType {
        if let cacheTypeV, let cacheTypeK, cacheTypeV != cacheTypeK {
            throw ValidationError("--cache-type-v \(cacheTypeV) differs from --cache-type-k \(cacheTypeK): keys and values share one type")
        }
        return cacheTypeK ?? cacheTypeV ?? configuration.cacheType ?? .f16
    }

    /// The batch size in effect.
    func effectiveBatchSize(_ configuration: LlamaConfiguration) -> Int { batchSize ?? configuration.batchSize ?? 512 }

    /// The model path: `--model`, else `--hf-repo` (downloaded when needed), else the
    /// configuration's `model` or `hf_repo`, else the stories260K fixture from the usual places.
    func resolvedModelPath(_ configuration: LlamaConfiguration) async throws -> String {
        if let model {
            guard hfFile == nil else { throw ValidationError("--hf-file needs -hf, not -m") }
            return model
        }
        if let hfRepo { return try await download(hfRepo, file: hfFile, offline: offline || configuration.offline == true) }
        if let model = configuration.model { return model }
        if let repository = configuration.huggingFaceRepository {
            return try await download(
                repository, file: hfFile ?? configuration.huggingFaceFile, offline: offline || configuration.offline == true)
        }
        let candidates = ["../shared/fixtures/stories260K.gguf", "Fixtures/models/stories260K.gguf"]
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw ValidationError(
            "no model given (-m or -hf) and the default stories260K.gguf is not at \(candidates.joined(separator: " or "))")
    }

    /// The cached file of a hub model, downloaded first when it is not in the cache, with a
    /// progress line on a terminal.
    private func download(_ text: String, file: String?, offline: Bool) async throws -> String {
        let progress = DownloadProgressLine()
        do {
            let reference = try HubModelReference(text, file: file)
            let path = try await HubClient(offline: offline).modelFile(reference) { progress.show($0) }
            progress.clear()
            return path
        } catch {
            progress.clear()
            throw CommandFailure(error.description)
        }
    }

    /// Models at least this large (in bytes of weights) get a loading progress line on a terminal.
    static let progressThreshold = 256 << 20

    /// Loads the model and opens a session with the requested context and batch sizes, from the
    /// flags over `configuration` (the `--config` file's, from ``configuration()``).
    func load(_ configuration: LlamaConfiguration) async throws -> LoadedModel {
        let level: Logger.Level = verbose ? .info : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let start = ContinuousClock.now
        let cacheType = try cacheType(configuration)
        let path = try await resolvedModelPath(configuration)
        let model = try await LlamaModel.load(
            path: path, threads: threads ?? configuration.threads, computeBackend: backend ?? configuration.backend ?? .cpu,
            deviceIndex: device ?? configuration.device)
        if let reason = model.backendChoice {
            standardError("llama-swift: backend \(model.computeBackend): \(reason)\n")
        }
        if isatty(STDERR_FILENO) != 0, model.weightByteCount >= Self.progressThreshold {
            // Read the weights now, behind a progress line, rather than stall on the first token.
            var shown = -1
            model.preload { fraction in
                let percent = Int(fraction * 100)
                guard percent != shown else { return }
                shown = percent
                standardError("\rloading weights: \(percent)%")
            }
            standardError("\r\u{1B}[K")
        }
        let context = contextSize ?? configuration.contextSize ?? 0
        let session = try model.makeSession(
            contextSize: context == 0 ? nil : context, batchSize: effectiveBatchSize(configuration), cacheType: cacheType)
        return LoadedModel(model: model, session: session, seconds: (ContinuousClock.now - start) / .seconds(1), path: path)
    }
}

/// What ``ModelOptions/load()`` opened.
struct LoadedModel {
    let model: LlamaModel
    let session: LlamaSession
    /// Seconds loading took (downloading included).
    let seconds: Double
    /// The model file.
    let path: String
}

/// A download's progress on one line of a terminal's standard error (nothing elsewhere).
final class DownloadProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var shown = -1
    private let isTerminal = isatty(STDERR_FILENO) != 0

    func show(_ progress: HubDownloadProgress) {
        guard isTerminal else { return }
        lock.lock()
        defer { lock.unlock() }
        let mib = Double(progress.receivedBytes) / 1_048_576
        if let total = progress.totalBytes, total > 0 {
            let percent = Int(progress.receivedBytes * 100 / total)
            guard percent != shown else { return }
            shown = percent
            let filled = percent * 30 / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            standardError("\r\(progress.file) [\(bar)] \(percent)% \(format(mib)) / \(format(Double(total) / 1_048_576)) MiB")
        } else {
            standardError("\r\(progress.file) \(format(mib)) MiB")
        }
    }

    func clear() {
        guard isTerminal else { return }
        standardError("\r\u{1B}[K")
    }
}

extension ComputeBackend: ExpressibleByArgument {}
extension KVCacheType: ExpressibleByArgument {}
