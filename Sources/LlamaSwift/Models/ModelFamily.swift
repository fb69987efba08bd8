import GGUF

/// A family of models that share one forward pass: its configuration keys, its tensor names and
/// its blocks, written once against ``ModelOperations``. Each family is one file in `Models/`,
/// listed in ``ModelRegistry``.
protocol ModelFamily: Sendable {
    /// The `general.architecture` values this family reads.
    static var architectures: [String] { get }
    /// The hyper-parameters of a file of this family.
    static func configuration(_ metadata: GGUFMetadata, architecture: String) throws(LlamaError) -> ModelConfiguration
    /// The model's weights loaded through `loader`, ready to run on its operations.
    static func graph<Ops: ModelOperations>(
        _ configuration: ModelConfiguration, metadata: GGUFMetadata, loader: TensorLoader<Ops>
    ) throws(LlamaError) -> any ModelGraph<Ops>
}

extension ModelFamily {
    /// The keys every family shares (``ModelConfiguration``'s), for families that read no other.
    static func configuration(_ metadata: GGUFMetadata, architecture: String) throws(LlamaError) -> ModelConfiguration {
        try ModelConfiguration(standardKeysOf: metadata, architecture: architecture)
    }
}

/// The families LlamaSwift runs, by `general.architecture`.
enum ModelRegistry {
    static let families: [any ModelFamily.Type] = [Llama.self, Qwen.self, Phi3.self, Gemma.self]

    /// The family of `architecture`.
    ///
    /// - Throws: ``LlamaError/unsupportedArchitecture(_:)`` naming it.
    static func family(for architecture: String) throws(LlamaError) -> any ModelFamily.Type {
        guard let family = families.first(where: { $0.architectures.contains(architecture) }) else {
            throw .unsupportedArchitecture(architecture)
        }
        return family
    }

    /// Every architecture some family reads.
    static var architectures: [String] { families.flatMap { $0.architectures } }
}

/// A model's weights on one backend and its forward pass over them.
protocol ModelGraph<Ops>: AnyObject, Sendable {
    associatedtype Ops: ModelOperations

    /// Runs `tokens` (rows of the pass, grouped by sequence in `spans`) through the model,
    /// storing each row's keys and values in its sequence's cache, and returns the logits of the
    /// rows `outputRows` names, one row each in that order (nothing when it is empty).
    func forward(
        tokens: [Int32], spans: [SequenceSpan<Ops.Cache>], outputRows: [Int], workspace: Workspace<Ops>
    ) throws(LlamaError) -> Ops.Activations?
}

/// The activation buffers of one caller's passes, made on first use and grown as needed, so that
/// sessions of one model never share working memory.
final class Workspace<Ops: ModelOperations>: @unchecked Sendable {
    let operations: Ops
    private var buffers: [String: (count: Int, buffer: Ops.Activations)] = [:]

    init(operations: Ops) {
        self.operations = operations
    }

    /// The buffer named `name`, with room for at least `count` floats.
    func callAsFunction(_ name: String, _ count: Int) throws(LlamaError) -> Ops.Activations {
        if let held = buffers[name], held.count >= count { return held.buffer }
        let buffer = try operations.activations(count: count)
        buffers[name] = (count, buffer)
        return buffer
    }
}

/// Reads a family's tensors from a file, checks them against the shapes the configuration
/// implies, and prepares them on a backend.
struct TensorLoader<Ops: ModelOperations> {
    let file: GGUFFile
    let operations: Ops

    /// Checks every matrix of the file against the types the backend runs, before anything is
    /// prepared or uploaded.
    ///
    /// - Throws: ``LlamaError/unsupportedOnBackend(backend:tensor:type:supported:)`` naming the
    ///   first tensor the backend cannot run.
    func checkTypes(backend: String) throws(LlamaError) {
        let supported = operations.supportedTypes
        if let info = Self.firstUnsupportedMatrix(of: file, supported: supported) {
            throw .unsupportedOnBackend(
                backend: backend, tensor: info.name, type: info.type.name,
                supported: GGMLType.allCases.filter(supported.contains).map(\.name))
        }
    }

    /// The first matrix of `file` whose type is not in `supported`, if any.
    static func firstUnsupportedMatrix(of file: GGUFFile, supported: Set<GGMLType>) -> GGUFTensorInfo? {
        file.tensors.first { $0.shape.count >= 2 && !supported.contains($0.type) }
    }

    /// Whether the file has `name`.
    func contains(_ name: String) -> Bool { file.tensorIfPresent(named: name) != nil }

    /// The matrix `name`, `rows` rows of `columns` elements.
    func matrix(_ name: String, rows: Int, columns: Int) throws(LlamaError) -> Ops.Matrix {
        let info = try tensor(name)
        guard info.shape == [columns, rows] else {
            throw .tensorShapeMismatch(tensor: name, expected: [columns, rows], found: info.shape)
        }
        guard operations.supportedTypes.contains(info.type) else {
            throw .unsupportedTensorType(tensor: name, type: info.type.name)
        }
        return try operations.matrix(info, in: file)
    }

    /// Rows `range` of the matrix `name` (`totalRows` rows of `columns` elements): one part of a
    /// fused tensor (Phi-3's `attn_qkv`), prepared as a matrix of its own.
    func matrix(_ name: String, rows range: Range<Int>, of totalRows: Int, columns: Int) throws(LlamaError) -> Ops.Matrix {
        let info = try tensor(name)
        guard info.shape == [columns, totalRows] else {
            throw .tensorShapeMismatch(tensor: name, expected: [columns, totalRows], found: info.shape)
        }
        guard operations.supportedTypes.contains(info.type) else {
            throw .unsupportedTensorType(tensor: name, type: info.type.name)
        }
        guard let part = info.rows(range, name: "\(name)[\(range.lowerBound)..<\(range.upperBound)]") else {
            throw .invalidModelFile(path: file.path, reason: "tensor '\(name)' has no rows \(range)")
        }
        return try operations.matrix(part, in: file)
    }

    /// The F32 vector `name` of `count` elements, or `nil` when the file lacks it.
    func optionalVector(_ name: String, count: Int) throws(LlamaError) -> Ops.Vector? {
        contains(name) ? try vector(name, count: count) : nil
    }

    /// The F32 vector `name` of `count` elements, as floats on the host.
    func floats(_ name: String, count: Int) throws(LlamaError) -> [Float] {
        let info = try tensor(name)
        guard info.type == .f32 else { throw .unsupportedTensorType(tensor: name, type: info.type.name) }
        guard info.shape == [count] else { throw .tensorShapeMismatch(tensor: name, expected: [count], found: info.shape) }
        let values = Array(file.data(for: info).bindMemory(to: Float.self))
        // Read once and copied: left mapped, a few KB between large tensors kept whole 2 MiB
        // page-cache folios mapped where the system uses them.
        file.releasePages(of: [info])
        return values
    }

    /// The F32 vector `name` of `count` elements on the backend.
    func vector(_ name: String, count: Int) throws(LlamaError) -> Ops.Vector {
        try operations.vector(try floats(name, count: count))
    }

    /// The token embedding (`token_embd.weight`, `vocabulary` rows of `width`) for lookups, and
    /// the output head: `output.weight`, or the embedding again when the file ties them.
    func embeddingAndOutput(vocabulary: Int, width: Int) throws(LlamaError) -> (embedding: Ops.Matrix, output: Ops.Matrix) {
        let name = "token_embd.weight", info = try tensor(name)
        guard info.shape == [width, vocabulary] else {
            throw .tensorShapeMismatch(tensor: name, expected: [width, vocabulary], found: info.shape)
        }
        guard operations.supportedTypes.contains(info.type) else {
            throw .unsupportedTensorType(tensor: name, type: info.type.name)
        }
        if contains("output.weight") {
            let output = try matrix("output.weight", rows: vocabulary, columns: width)
            return (try operations.table(info, in: file, tiedOutput: nil), output)
        }
        let output = try matrix(name, rows: vocabulary, columns: width)
        return (try operations.table(info, in: file, tiedOutput: output), output)
    }

    private func tensor(_ name: String) throws(LlamaError) -> GGUFTensorInfo {
        guard let info = file.tensorIfPresent(named: name) else { throw .missingTensor(name: name) }
        return info
    }
}
