/// Everything that can go wrong in the Vulkan backend, with a message a user can act on.
public enum VulkanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The package was built without the `Vulkan` trait, so there is no Vulkan code in it.
    case builtWithoutVulkan
    /// No Vulkan loader library could be opened (the names tried are listed).
    case loaderUnavailable(String)
    /// The loader does not provide a Vulkan command LlamaVulkan needs.
    case missingCommand(String)
    /// No Vulkan instance could be created: no driver (ICD), or none that supports Vulkan 1.1.
    /// `result` is the `VkResult`.
    case instanceUnavailable(result: Int32)
    /// The instance lists no device with a compute queue.
    case noDevice
    /// `deviceIndex` does not name one of ``VulkanCompute/availableDevices()``.
    case deviceIndexOutOfRange(index: Int, count: Int)
    /// The model, KV cache and work buffers do not fit in the device's memory.
    case insufficientMemory(device: String, neededBytes: Int, availableBytes: Int)
    /// A tensor has a type that no shader reads.
    case unsupportedTensorType(tensor: String, type: String)
    /// A tensor is larger than one storage buffer binding can address on this device.
    case tensorTooLarge(tensor: String, bytes: Int, limit: Int)
    /// A tensor the forward pass needs is absent, or its shape does not match the hyperparameters.
    case invalidModel(String)
    /// The caller passed tokens or positions that the model or context cannot take.
    case invalidInput(String)
    /// A Vulkan call failed. `result` is the `VkResult`.
    case callFailed(call: String, result: Int32)

    /// A one-line message that names the problem and, where there is one, the fix.
    public var description: String {
        switch self {
        case .builtWithoutVulkan:
            return "LlamaSwift was built without the Vulkan trait; rebuild with --traits Vulkan"
        case .loaderUnavailable(let names):
            return "no Vulkan loader (tried \(names)): install one and a driver (e.g. apt install libvulkan1 mesa-vulkan-drivers)"
        case .missingCommand(let name):
            return "the Vulkan loader does not provide \(name) (Vulkan 1.1 is needed)"
        case .instanceUnavailable(let result):
            return "no Vulkan instance (VkResult \(result)): install a Vulkan driver (e.g. apt install mesa-vulkan-drivers)"
        case .noDevice:
            return "no Vulkan device with a compute queue"
        case .deviceIndexOutOfRange(let index, let count):
            return "Vulkan device index \(index) does not exist (\(count) device(s) found)"
        case .insufficientMemory(let device, let needed, let available):
            return "not enough memory on \(device): the model needs \(Self.mebibytes(needed)), the device has \(Self.mebibytes(available))"
        case .unsupportedTensorType(let tensor, let type):
            return "tensor '\(tensor)' has type \(type), which the Vulkan backend has no shader for (supported: \(VulkanCompute.weightTypeNames))"
        case .tensorTooLarge(let tensor, let bytes, let limit):
            return "tensor '\(tensor)' takes \(Self.mebibytes(bytes)), more than this device's storage buffer limit of \(Self.mebibytes(limit))"
        case .invalidModel(let message):
            return "model not usable by the Vulkan backend: \(message)"
        case .invalidInput(let message):
            return "invalid input: \(message)"
        case .callFailed(let call, let result):
            return "\(call) failed (VkResult \(result))"
        }
    }

    private static func mebibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return "\((value * 10).rounded() / 10) MiB"
    }
}
