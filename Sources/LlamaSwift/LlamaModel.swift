import Foundation
import GGUF
import LlamaGrammar
import LlamaKernels
import LlamaTokenizer
import LlamaVulkan
import Logging

/// A model loaded from a GGUF file: its configuration, tokenizer and weights, prepared once for
/// the backend that runs it.
///
/// The model owns the weights: on the CPU, the mapped file and the copies laid out for the
/// kernels; on Vulkan, the device buffers, uploaded once however many sessions it has. Each
/// ``LlamaSession`` owns only its KV cache and working memory, so one model can be shared by any
/// number of sessions on any threads, and ``BatchedDecoder`` runs many sequences in one pass.
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
    /// Why ``ComputeBackend/auto`` chose ``computeBackend``, in one line (`nil` when the caller named
    /// the backend).
    public let backendChoice: String?
    /// The name of the Vulkan device the model runs on, for ``ComputeBackend/vulkan``.
    public let deviceName: String?
    /// The weights on the backend and the forward pass over them.
    let runtime: any ModelRuntime
    let file: GGUFFile
    /// The tensors the forward pass still reads from the mapping (not copied or uploaded).
    private let mappedTensors: [GGUFTensorInfo]
    /// The vocabulary as constrained sampling reads it, built on first use.
    private let grammarVocabularyCache = GrammarVocabularyCache()

    /// The vocabulary as the grammar matcher reads it.
    var grammarVocabulary: TokenVocabulary {
        grammarVocabularyCache.vocabulary(of: tokenizer, count: configuration.vocabularySize)
    }

    private static let logger = Logger(label: "LlamaSwift.LlamaModel")

    /// Opens and checks the model at `path`, and prepares its weights on the backend.
    ///
    /// - Parameters:
    ///   - path: A GGUF file of an architecture in ``supportedArchitectures``.
    ///   - threads: Threads for the CPU backends (default: one per active processor).
    ///   - computeBackend: The engine that runs the forward pass; `auto` picks Vulkan on a real
    ///     GPU that runs every tensor type of the file, else the CPU, saying why in one log line.
    ///   - deviceIndex: The Vulkan device to use (default: the best one), for ``ComputeBackend/vulkan``.
    ///   - backend: A custom ``Backend`` for the CPU's matrix products, instead of the one
    ///     `computeBackend` names.
    /// - Throws: ``LlamaError`` naming the missing file, the missing or invalid metadata key, the
    ///   missing, misshapen or unsupported tensor (for a backend that cannot run a tensor's type,
    ///   ``LlamaError/unsupportedOnBackend(backend:tensor:type:supported:)``), or the backend that
    ///   cannot run (including a native build on a CPU without the instructions it was built for).
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
        self.file = file
        configuration = try ModelConfiguration(metadata: file.metadata)
        do { tokenizer = try LlamaTokenizer(metadata: file.metadata) } catch {
            throw .invalidMetadata(key: "tokenizer.ggml", reason: "\(error)")
        }
        chatTemplate = ChatTemplate.forModel(metadata: file.metadata, tokenizer: tokenizer)

        var chosen = computeBackend
        if chosen == .auto {
            let (resolved, reason) = ComputeBackend.resolveAuto()
            chosen = resolved
            if chosen == .vulkan, let refusal = Self.vulkanRefusal(file) {
                chosen = ComputeBackend.cpuFallback
                backendChoice = "\(reason), but \(refusal); using \(chosen)"
            } else {
                backendChoice = reason
            }
            Self.logger.notice("backend auto: \(backendChoice ?? "")")
        } else {
            backendChoice = nil
        }
        self.computeBackend = chosen
        let family = try ModelRegistry.family(for: configuration.architecture)
        if chosen == .vulkan {
            let operations = try VulkanOperations(deviceIndex: deviceIndex)
            let loader = TensorLoader(file: file, operations: operations)
            try loader.checkTypes(backend: "vulkan")
            runtime = Runtime(
                configuration: configuration, operations: operations,
                graph: try family.graph(configuration, metadata: file.metadata, loader: loader))
            deviceName = operations.deviceName
            mappedTensors = []
        } else {
            let pool = ThreadPool(threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let products: any Backend
            switch (backend, chosen) {
            case (let custom?, _): products = custom
            case (nil, .blas): products = try BLASBackend(pool: pool)
            default: products = CPUBackend(pool: pool)
            }
            let operations = CPUOperations(backend: products, pool: pool)
            let loader = TensorLoader(file: file, operations: operations)
            try loader.checkTypes(backend: chosen.rawValue)
            runtime = Runtime(
                configuration: configuration, operations: operations,
                graph: try family.graph(configuration, metadata: file.metadata, loader: loader))
            deviceName = nil
            let copied = operations.copiedTensors
            mappedTensors = file.tensors.filter { !copied.contains($0.name) }
        }
        let c = configuration
        Self.logger.info(
            "loaded \(path) (\(c.architecture)) on \(chosen): \(c.blockCount) layers, dim \(c.embeddingLength), \(c.headCount)/\(c.keyValueHeadCount) heads, vocab \(c.vocabularySize), \(weightByteCount) bytes of weights")
    }

    /// Why Vulkan cannot run `file` (a tensor type without shaders), or `nil`.
    private static func vulkanRefusal(_ file: GGUFFile) -> String? {
        let supported = ComputeBackend.vulkan.supportedWeightTypes
        if let tensor = TensorLoader<VulkanOperations>.firstUnsupportedMatrix(of: file, supported: supported) {
            return "it has no shader for tensor '\(tensor.name)' of type \(tensor.type.name)"
        }
        return nil
    }

    /// Opens the model at `path` without blocking the calling task's executor.
    public static func load(
        path: String, threads: Int? = nil, computeBackend: ComputeBackend = .cpu, deviceIndex: Int? = nil
    ) async throws -> LlamaModel {
        try await Task.detached {
            try LlamaModel(path: path, threads: threads, computeBackend: computeBackend, deviceIndex: deviceIndex)
        }.value
    }

    /// The `general.architecture` values LlamaSwift runs.
    public static var supportedArchitectures: [String] { ModelRegistry.architectures }

    /// Bytes of device memory the model's backend holds now: its weights, uploaded once, and the
    /// caches and working buffers of its live sessions. `nil` on the CPU backends, which compute in
    /// host memory.
    public var deviceMemoryBytes: Int? { runtime.deviceBytes }

    /// Bytes of weights in the file.
    public var weightByteCount: Int { file.tensors.reduce(0) { $0 + $1.byteCount } }

    /// Reads the whole mapped file once (the weights are otherwise read from disk on first use),
    /// reporting the fraction done to `progress`. For progress bars on large models.
    public func preload(progress: ((Double) -> Void)? = nil) {
        // Tensors copied at load are not read from the file again.
        file.prefetch(mappedTensors, progress: progress)
    }

    /// A new session with its own KV cache.
    ///
    /// - Parameters:
    ///   - contextSize: Positions the session can hold (default: the model's context length, at most 4096).
    ///   - batchSize: Prompt tokens evaluated per batch.
    ///   - cacheType: How the cache stores keys and values (default F16, as llama.cpp).
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` for sizes below 1 or a cache
    ///   type the model or backend cannot use.
    public func makeSession(contextSize: Int? = nil, batchSize: Int = 512, cacheType: KVCacheType = .f16) throws(LlamaError) -> LlamaSession {
        let context = try checkedContext(contextSize)
        guard batchSize >= 1 else {
            throw .invalidParameter(name: "--batch-size", value: "\(batchSize)", reason: "must be at least 1")
        }
        return LlamaSession(
            model: self, cache: try runtime.makeCache(capacity: context, type: cacheType),
            batchSize: min(batchSize, context))
    }

    /// The logits after each of `tokens`, evaluated from position 0 in a fresh cache: row `i`
    /// scores the token that follows `tokens[0...i]`. Synchronous, for tests and tools.
    ///
    /// - Throws: ``LlamaError/contextOverflow(tokens:contextSize:)`` when the tokens do not fit the
    ///   context, ``LlamaError/invalidToken(id:vocabularySize:)`` for ids outside the vocabulary.
    public func logits(
        for tokens: [Int], contextSize: Int? = nil, batchSize: Int = 512, cacheType: KVCacheType = .f16
    ) throws(LlamaError) -> [[Float]] {
        let context = try checkedContext(contextSize ?? max(tokens.count, 1))
        let cache = try runtime.makeCache(capacity: context, type: cacheType)
        return try logitsOfEveryPosition(tokens, cache: cache, batchSize: batchSize, workspace: runtime.makeWorkspace())
    }

    /// The token ids of `text`.
    ///
    /// - Parameters:
    ///   - addSpecial: Add the BOS (and EOS) tokens the model asks for.
    ///   - parseSpecial: Read special-token text such as `<|eot_id|>` as the special token.
    public func tokenize(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    /// The most positions a session may ask for (16 Mi): far beyond any model's training, and
    /// small enough that the size of its cache cannot overflow.
    public static let maximumContextSize = 1 << 24

    private func checkedContext(_ contextSize: Int?) throws(LlamaError) -> Int {
        let context = contextSize ?? min(configuration.contextLength, 4096)
        guard context >= 1 else {
            throw .invalidParameter(name: "--ctx-size", value: "\(context)", reason: "must be at least 1")
        }
        guard context <= Self.maximumContextSize else {
            throw .invalidParameter(name: "--ctx-size", value: "\(context)", reason: "must be at most \(Self.maximumContextSize)")
        }
        return context
    }

    /// The ids of `tokens`, checked against the vocabulary.
    func checkedTokens(_ tokens: [Int]) throws(LlamaError) -> [Int32] {
        let vocabulary = configuration.vocabularySize
        return try tokens.map { (id: Int) throws(LlamaError) -> Int32 in
            guard let narrow = Int32(exactly: id), (0..<vocabulary).contains(id) else {
                throw .invalidToken(id: id, vocabularySize: vocabulary)
            }
            return narrow
        }
    }

    /// Evaluates `tokens` from position 0 of `cache` and returns every position's logits.
    func logitsOfEveryPosition(_ tokens: [Int], cache: any SequenceCache, batchSize: Int, workspace: AnyObject) throws(LlamaError) -> [[Float]] {
        guard !tokens.isEmpty else { throw .emptyInput }
        guard tokens.count <= cache.capacity else { throw .contextOverflow(tokens: tokens.count, contextSize: cache.capacity) }
        guard batchSize >= 1 else {
            throw .invalidParameter(name: "--batch-size", value: "\(batchSize)", reason: "must be at least 1")
        }
        let ids = try checkedTokens(tokens)
        let vocabulary = configuration.vocabularySize
        var rows = [Float](repeating: 0, count: tokens.count * vocabulary)
        try rows.withUnsafeMutableBufferPointer { (buffer) throws(LlamaError) in
            try runtime.evaluate(
                [SequenceInput(cache: cache, tokens: ids[...], start: 0, logits: .all(buffer.baseAddress!))],
                batchSize: batchSize, workspace: workspace)
        }
        return (0..<tokens.count).map { Array(rows[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
    }
}
