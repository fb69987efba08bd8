import GGUF

/// The LLaMA forward pass on a Vulkan device.
///
/// Loading uploads every weight once, exactly as the GGUF file stores it, to device memory;
/// the KV cache stays on the device. ``forward(tokens:startPosition:allLogits:)`` runs a
/// chunk of up to 32 tokens per submission (one command buffer) and reads back only logits.
///
/// Supported weight types: F32, F16, Q4_0, Q8_0, Q5_K, Q6_K (norms and `rope_freqs`: F32).
///
/// Without the `Vulkan` package trait the type exists but every entry point throws
/// ``VulkanError/builtWithoutVulkan``. Not thread-safe: use one instance from one thread at a time.
public final class VulkanForward {
    #if LLAMA_VULKAN
    private let engine: ForwardEngine
    #endif

    /// The name of the device the model runs on.
    public let deviceName: String

    /// Loads a model onto a Vulkan device.
    ///
    /// - Parameters:
    ///   - file: The GGUF model (LLaMA architecture).
    ///   - hyperparameters: Its shape, e.g. ``VulkanHyperparameters/init(file:)``.
    ///   - contextLength: Positions the KV cache holds.
    ///   - deviceIndex: An index from ``availableDevices()``; `nil` picks a discrete GPU, then
    ///     an integrated one, then any other device (such as lavapipe).
    /// - Throws: ``VulkanError``: no Vulkan, no device, not enough device memory, a tensor
    ///   type without a shader, or a model that does not match `hyperparameters`.
    public init(file: GGUFFile, hyperparameters: VulkanHyperparameters, contextLength: Int, deviceIndex: Int? = nil) throws(VulkanError) {
        #if LLAMA_VULKAN
        let device = try VulkanDevice(index: deviceIndex)
        engine = try ForwardEngine(file: file, hyperparameters: hyperparameters, contextLength: contextLength, device: device)
        deviceName = device.info.name
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// The Vulkan devices that can run the forward pass, in the order `deviceIndex` counts them.
    ///
    /// For an automatic backend choice, pick Vulkan only when one of them
    /// ``VulkanDeviceInfo/isHardwareGPU``.
    public static func availableDevices() throws(VulkanError) -> [VulkanDeviceInfo] {
        #if LLAMA_VULKAN
        try VulkanInstance().computeDevices().map(\.info)
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// Runs `tokens` at positions `startPosition ..< startPosition + tokens.count`, storing their
    /// keys and values in the KV cache.
    ///
    /// - Parameters:
    ///   - tokens: Token ids, each below the vocabulary size.
    ///   - startPosition: Position of the first token; at most the number of positions already
    ///     cached (pass a smaller one to rewind, 0 to start over).
    ///   - allLogits: Return the logits of every token instead of the last one only.
    /// - Returns: `vocabularySize` logits of the last token, or `tokens.count` such rows one
    ///   after the other.
    public func forward(tokens: [Int], startPosition: Int, allLogits: Bool = false) throws(VulkanError) -> [Float] {
        #if LLAMA_VULKAN
        try engine.forward(tokens: tokens, startPosition: startPosition, allLogits: allLogits)
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// Forgets the KV cache, so that the next call must start at position 0.
    public func reset() {
        #if LLAMA_VULKAN
        engine.reset()
        #endif
    }

    /// Positions of the KV cache that hold keys and values (where the next token goes).
    public var cachedPositions: Int {
        #if LLAMA_VULKAN
        engine.cachedPositions
        #else
        0
        #endif
    }
}
