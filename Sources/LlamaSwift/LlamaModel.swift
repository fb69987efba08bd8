import Foundation
import GGUF
import LlamaKernels
import LlamaTokenizer
import LlamaVulkan
import Logging

/// A LLaMA model loaded from a GGUF file: its configuration, tokenizer and weights.
///
/// The weights stay in the memory-mapped file and are never modified, so one model can be shared
/// by any number of ``LlamaSession``s on any threads. (The native x86 build copies Q4_0 matrices
/// once at load into a layout its kernels read eight rows at a time, and releases their pages of
/// the mapping, so memory stays about the file's size.)
///
/// ```swift
/// let model = try LlamaModel(path: "model.gguf")
/// let session = try model.makeSession()
/// for try await text in session.generate(prompt: "Once upon a time", parameters: .greedy(maxTokens: 32)) {
///     print(text, terminator: "")
/// }
/// ```
public final class LlamaModel: Sendable {
    /// The hyper-parameters read from the file.
    public let configuration: ModelConfiguration
    /// The tokenizer read from the file.
    public let tokenizer: LlamaTokenizer
    /// The prompt format for chats, from `tokenizer.chat_template` or guessed from the vocabulary;
    /// `nil` when neither tells.
    public let chatTemplate: ChatTemplate?
    /// The engine that runs the forward pass (never ``ComputeBackend/auto``: that is resolved on load).
    public let computeBackend: ComputeBackend
    /// Where the CPU forward pass's matrix products run.
    let backend: any Backend
    /// The Vulkan device sessions use, when ``computeBackend`` is ``ComputeBackend/vulkan``.
    let vulkanDeviceIndex: Int?
    let weights: ModelWeights

    private static let logger = Logger(label: "LlamaSwift.LlamaModel")

    /// Opens and checks the model at `path`.
    ///
    /// - Parameters:
    ///   - path: A GGUF file of architecture `llama`.
    ///   - threads: Threads for the CPU backends (default: one per active processor).
    ///   - computeBackend: The engine that runs the forward pass; `auto` picks Vulkan on a real GPU.
    ///   - deviceIndex: The Vulkan device to use (default: the best one), for ``ComputeBackend/vulkan``.
    ///   - backend: A custom ``Backend`` for the CPU forward pass's products, instead of the one
    ///     `computeBackend` names.
    /// - Throws: ``LlamaError`` naming the missing file, the missing or invalid metadata key, the
    ///   missing, misshapen or unsupported tensor, or the backend that cannot run (including a
    ///   native build on a CPU without the instructions it was built for).
    public init(
        path: String, threads: Int? = nil, computeBackend: ComputeBackend = .cpu, deviceIndex: Int? = nil,
        backend: (any Backend)? = nil
    ) throws(LlamaError) {
        do { try Kernels.checkCPUSupport() } catch { throw .backendFailed(backend: "cpu", reason: "\(error)") }
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        if let threads, threads < 1 {
            throw .invalidParameter(name: "--threads", value: "\(threads)", reason: "must be at least 1")
        }
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw LlamaError(error, path: path) }
        configuration = try ModelConfiguration(metadata: file.metadata)
        var weights = try ModelWeights(file: file, configuration: configuration)
        do { tokenizer = try LlamaTokenizer(metadata: file.metadata) } catch {
            throw .invalidMetadata(key: "tokenizer.ggml", reason: "\(error)")
        }
        chatTemplate = ChatTemplate.forModel(metadata: file.metadata, tokenizer: tokenizer)
        var chosen = computeBackend
        if chosen == .auto {
            let (resolved, reason) = ComputeBackend.resolveAuto()
            Self.logger.notice("backend auto: \(reason)")
            chosen = resolved
        }
        self.computeBackend = chosen
        vulkanDeviceIndex = deviceIndex
        switch (backend, chosen) {
        case (let custom?, _): self.backend = custom
        case (nil, .blas): self.backend = try BLASBackend(threads: threads)
        default: self.backend = CPUBackend(threads: threads)
        }
        if chosen == .vulkan {
            // Report a missing loader or device on load; each session uploads the weights itself.
            do {
                let devices = try VulkanForward.availableDevices()
                if let deviceIndex, !devices.contains(where: { $0.index == deviceIndex }) {
                    throw LlamaError.backendFailed(
                        backend: "vulkan", reason: "no device \(deviceIndex) (\(devices.count) found)")
                }
            } catch let error as LlamaError {
                throw error
            } catch {
                throw .backendFailed(backend: "vulkan", reason: "\(error)")
            }
        }
        if chosen != .vulkan {
            weights.prepareForCPU(pool: ThreadPool(threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount))
        }
        self.weights = weights
        let c = configuration
        Self.logger.info(
            "loaded \(path): \(c.blockCount) layers, dim \(c.embeddingLength), \(c.headCount)/\(c.keyValueHeadCount) heads, vocab \(c.vocabularySize), \(weights.byteCount) bytes of weights mapped")
    }

    /// Opens the model at `path` without blocking the calling task's executor.
    public static func load(
        path: String, threads: Int? = nil, computeBackend: ComputeBackend = .cpu, deviceIndex: Int? = nil
    ) async throws -> LlamaModel {
        try await Task.detached {
            try LlamaModel(path: path, threads: threads, computeBackend: computeBackend, deviceIndex: deviceIndex)
        }.value
    }

    /// Bytes of weights in the file.
    public var weightByteCount: Int { weights.byteCount }

    /// Reads the whole mapped file once (the weights are otherwise read from disk on first use),
    /// reporting the fraction done to `progress`. For progress bars on large models.
    public func preload(progress: ((Double) -> Void)? = nil) {
        // Tensors copied at load are not read from the file again.
        weights.file.prefetch(weights.file.tensors.filter { !weights.copied.contains($0.name) }, progress: progress)
    }

    /// A new session with its own KV cache.
    ///
    /// - Parameters:
    ///   - contextSize: Positions the session can hold (default: the model's context length, at most 4096).
    ///   - batchSize: Prompt tokens evaluated per batch.
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` for sizes below 1.
    public func makeSession(contextSize: Int? = nil, batchSize: Int = 512) throws(LlamaError) -> LlamaSession {
        LlamaSession(model: self, transformer: try makeForwardPass(contextSize: contextSize, batchSize: batchSize))
    }

    /// The logits after each of `tokens`, evaluated from position 0 in a fresh cache: row `i`
    /// scores the token that follows `tokens[0...i]`. Synchronous, for tests and tools.
    ///
    /// - Throws: ``LlamaError/contextOverflow(tokens:contextSize:)`` when the tokens do not fit the
    ///   context, ``LlamaError/invalidToken(id:vocabularySize:)`` for ids outside the vocabulary.
    public func logits(for tokens: [Int], contextSize: Int? = nil, batchSize: Int = 512) throws(LlamaError) -> [[Float]] {
        let transformer = try makeForwardPass(contextSize: contextSize ?? max(tokens.count, 1), batchSize: batchSize)
        return try transformer.logitsOfEveryPosition(tokens)
    }

    /// The token ids of `text`.
    ///
    /// - Parameters:
    ///   - addSpecial: Add the BOS (and EOS) tokens the model asks for.
    ///   - parseSpecial: Read special-token text such as `<|eot_id|>` as the special token.
    public func tokenize(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    func makeForwardPass(contextSize: Int?, batchSize: Int) throws(LlamaError) -> any ForwardPass {
        let context = contextSize ?? min(configuration.contextLength, 4096)
        guard context >= 1 else {
            throw .invalidParameter(name: "--ctx-size", value: "\(context)", reason: "must be at least 1")
        }
        guard batchSize >= 1 else {
            throw .invalidParameter(name: "--batch-size", value: "\(batchSize)", reason: "must be at least 1")
        }
        if computeBackend == .vulkan {
            return try VulkanForwardPass(
                file: weights.file, configuration: configuration, contextSize: context, deviceIndex: vulkanDeviceIndex)
        }
        return Transformer(
            weights: weights, configuration: configuration, backend: backend,
            contextSize: context, batchSize: min(batchSize, context))
    }
}
