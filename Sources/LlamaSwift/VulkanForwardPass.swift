import GGUF
import LlamaVulkan

/// The forward pass on a Vulkan device: weights uploaded once, KV cache on the device, only
/// logits read back. Used by sessions of a model loaded with ``ComputeBackend/vulkan``.
final class VulkanForwardPass: ForwardPass {
    let configuration: ModelConfiguration
    let contextSize: Int
    let logits: UnsafeMutableBufferPointer<Float>
    private let engine: VulkanForward

    init(file: GGUFFile, configuration c: ModelConfiguration, contextSize: Int, deviceIndex: Int?) throws(LlamaError) {
        configuration = c
        self.contextSize = contextSize
        let hyperparameters = VulkanHyperparameters(
            embeddingLength: c.embeddingLength, layerCount: c.blockCount, headCount: c.headCount,
            headCountKV: c.keyValueHeadCount, feedForwardLength: c.feedForwardLength,
            ropeDimensionCount: c.ropeDimensionCount, ropeFreqBase: c.ropeFrequencyBase,
            rmsEpsilon: c.rmsNormEpsilon, vocabularySize: c.vocabularySize,
            tiedOutput: file.tensorIfPresent(named: "output.weight") == nil)
        do {
            engine = try VulkanForward(file: file, hyperparameters: hyperparameters, contextLength: contextSize, deviceIndex: deviceIndex)
        } catch {
            throw .backendFailed(backend: "vulkan", reason: "\(error)")
        }
        logits = .allocate(capacity: c.vocabularySize)
        logits.initialize(repeating: 0)
    }

    deinit { logits.deallocate() }

    /// The device keeps its own buffers; the host holds only the logits.
    var byteCount: Int { logits.count * MemoryLayout<Float>.stride }

    /// The name of the device the pass runs on.
    var deviceName: String { engine.deviceName }

    func evaluate(_ tokens: ArraySlice<Int32>, at start: Int, output: Transformer.Output) throws(LlamaError) {
        guard !tokens.isEmpty else { return }
        guard start + tokens.count <= contextSize else {
            throw .contextOverflow(tokens: start + tokens.count, contextSize: contextSize)
        }
        let ids = tokens.map(Int.init)
        do {
            switch output {
            case .last:
                let row = try engine.forward(tokens: ids, startPosition: start)
                _ = logits.update(fromContentsOf: row)
            case .all(let rows):
                let all = try engine.forward(tokens: ids, startPosition: start, allLogits: true)
                all.withUnsafeBufferPointer { rows.update(from: $0.baseAddress!, count: all.count) }
                let vocabulary = configuration.vocabularySize
                all.withUnsafeBufferPointer {
                    logits.baseAddress!.update(from: $0.baseAddress! + all.count - vocabulary, count: vocabulary)
                }
            }
        } catch {
            throw .backendFailed(backend: "vulkan", reason: "\(error)")
        }
    }
}
