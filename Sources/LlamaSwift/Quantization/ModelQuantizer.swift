import GGUF
import LlamaKernels
import Synchronization

/// Why quantizing a model failed.
public enum QuantizationError: Error, Sendable, CustomStringConvertible {
    /// A tensor's type has no kernels to decode it from.
    case unsupportedSourceType(tensor: String, type: GGMLType)
    /// Reading or writing the file failed.
    case file(GGUFError)
    /// A kernel refused a tensor.
    case kernel(tensor: String, KernelError)

    public var description: String {
        switch self {
        case .unsupportedSourceType(let tensor, let type):
            "cannot quantize tensor '\(tensor)': its type \(type.name) cannot be decoded"
        case .file(let error): "\(error)"
        case .kernel(let tensor, let error): "tensor '\(tensor)': \(error)"
        }
    }
}

/// Re-encodes every tensor of a GGUF model with the types a ``QuantizationPreset`` chooses,
/// keeping all metadata (with `general.file_type` updated).
public enum ModelQuantizer {
    /// What happens to one tensor.
    public struct Decision: Sendable, Equatable {
        /// The tensor's name.
        public let tensor: String
        /// Its type in the input file.
        public let from: GGMLType
        /// Its type in the output file.
        public let to: GGMLType
        /// Set when the preset's type did not fit the tensor's rows and another type was used.
        public let fallbackFrom: GGMLType?
    }

    /// The type every tensor of `file` gets under `preset`.
    public static func plan(for file: GGUFFile, preset: QuantizationPreset) throws(QuantizationError) -> [Decision] {
        let architecture = (try? file.metadata.string("general.architecture")) ?? "llama"
        let layers = (try? file.metadata.int("\(architecture).block_count"))
            ?? (file.tensors.compactMap { QuantizationPreset.layerIndex(of: $0.name) }.max().map { $0 + 1 } ?? 0)
        let embeddingIsHead = file.tensorIfPresent(named: "output.weight") == nil
        return try file.tensors.map { (t: GGUFTensorInfo) throws(QuantizationError) -> Decision in
            guard Kernels.isSupported(t.type) else { throw .unsupportedSourceType(tensor: t.name, type: t.type) }
            let preferred = preset.preferredType(
                forTensor: t.name, dimensions: t.shape.count, layerCount: layers, embeddingIsHead: embeddingIsHead)
            let chosen = QuantizationPreset.fallback(for: preferred, rowLength: t.rowLength)
            return Decision(tensor: t.name, from: t.type, to: chosen, fallbackFrom: chosen == preferred ? nil : preferred)
        }
    }

    /// Writes `file` quantized with `preset` to `path`.
    ///
    /// - Parameter progress: called after each tensor with the number done and the total.
    /// - Returns: the decision made for every tensor.
    @discardableResult
    public static func quantize(
        _ file: GGUFFile, to path: String, preset: QuantizationPreset, pool: ThreadPool,
        progress: ((Int, Int) -> Void)? = nil
    ) throws(QuantizationError) -> [Decision] {
        let decisions = try plan(for: file, preset: preset)
        var metadata = file.metadata
        metadata["general.file_type"] = .uint32(preset.fileType)
        metadata["general.quantization_version"] = .uint32(2)
        var writer = GGUFWriter(metadata: metadata)
        for (index, (tensor, decision)) in zip(file.tensors, decisions).enumerated() {
            do {
                try writer.addTensor(name: tensor.name, type: decision.to, shape: tensor.shape) { output in
                    try convert(tensor, of: file, to: decision.to, into: output, pool: pool)
                    progress?(index + 1, decisions.count)
                }
            } catch {
                throw .file(error)
            }
        }
        do {
            try writer.write(to: path)
        } catch {
            throw .file(error)
        }
        return decisions
    }

    /// Decodes each row of `tensor` to floats and encodes it as `type` into `output`, rows in parallel.
    static func convert(
        _ tensor: GGUFTensorInfo, of file: GGUFFile, to type: GGMLType,
        into output: UnsafeMutableRawBufferPointer, pool: ThreadPool
    ) throws(QuantizationError) {
        let source = file.data(for: tensor)
        let columns = tensor.rowLength
        let rows = tensor.rowCount
        guard let sourceRowBytes = tensor.type.byteCount(elements: columns),
              let targetRowBytes = type.byteCount(elements: columns),
              let sourceBase = source.baseAddress, let targetBase = output.baseAddress
        else {
            if rows * columns == 0 { return }
            throw .kernel(tensor: tensor.name, .shapeMismatch("rows of \(columns) elements"))
        }
        let rowsPerChunk = max(1, 16_384 / max(columns, 1))
        let chunks = (rows + rowsPerChunk - 1) / rowsPerChunk
        let failure = FirstFailure()
        pool.parallelFor(chunks) { chunk in
            var floats = [Float](repeating: 0, count: columns)
            floats.withUnsafeMutableBufferPointer { scratch in
                for row in (chunk * rowsPerChunk)..<min(rows, (chunk + 1) * rowsPerChunk) {
                    do throws(KernelError) {
                        try Kernels.dequantizeRow(tensor.type, sourceBase + row * sourceRowBytes, scratch.baseAddress!, count: columns)
                        try Kernels.quantizeRow(type, scratch.baseAddress!, targetBase + row * targetRowBytes, count: columns)
                    } catch {
                        failure.record(error)
                        return
                    }
                }
            }
        }
        if let error = failure.error { throw .kernel(tensor: tensor.name, error) }
    }
}

/// Keeps the first error that any worker of a parallel loop reports.
private final class FirstFailure: Sendable {
    private let stored = Mutex<KernelError?>(nil)

    var error: KernelError? { stored.withLock { $0 } }

    func record(_ error: KernelError) {
        stored.withLock { if $0 == nil { $0 = error } }
    }
}
