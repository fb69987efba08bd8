/// A Vulkan device that can run the forward pass.
public struct VulkanDeviceInfo: Sendable, Equatable {
    /// What kind of device Vulkan reports.
    public enum Kind: String, Sendable {
        /// A GPU with its own memory.
        case discreteGPU = "discrete GPU"
        /// A GPU that shares the host's memory.
        case integratedGPU = "integrated GPU"
        /// A GPU handed to a virtual machine.
        case virtualGPU = "virtual GPU"
        /// A software implementation such as Mesa's lavapipe (llvmpipe).
        case cpu = "CPU"
        /// Anything else Vulkan reports.
        case other
    }

    /// The index to pass as `deviceIndex` (the order Vulkan enumerates devices in).
    public let index: Int
    /// The driver's name for the device, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
    public let name: String
    /// The device's kind.
    public let kind: Kind
    /// Bytes of the largest device-local memory heap.
    public let deviceLocalMemory: Int

    /// Whether this is real GPU hardware (not a CPU implementation such as lavapipe): what an
    /// automatic backend choice should require before picking Vulkan over the CPU path.
    public var isHardwareGPU: Bool {
        kind == .discreteGPU || kind == .integratedGPU || kind == .virtualGPU
    }

    /// Selection preference: discrete GPU first, then integrated, virtual, CPU, other.
    var rank: Int {
        switch kind {
        case .discreteGPU: return 0
        case .integratedGPU: return 1
        case .virtualGPU: return 2
        case .cpu: return 3
        case .other: return 4
        }
    }

    /// Creates a description (the backend makes these; public for tests and wrappers).
    public init(index: Int, name: String, kind: Kind, deviceLocalMemory: Int) {
        self.index = index
        self.name = name
        self.kind = kind
        self.deviceLocalMemory = deviceLocalMemory
    }
}
