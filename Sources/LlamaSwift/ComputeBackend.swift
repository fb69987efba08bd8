import GGUF
import LlamaKernels
import LlamaVulkan

/// Which engine runs a model's forward pass.
public enum ComputeBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// LlamaKernels' SIMD kernels on a thread pool.
    case cpu
    /// The CPU kernels, with prompt batches through OpenBLAS SGEMM (needs the `BLAS` trait).
    case blas
    /// The whole forward pass on a Vulkan device (needs the `Vulkan` trait and a device).
    case vulkan
    /// Vulkan when a real GPU is present, else BLAS when built in, else the CPU.
    case auto

    public var description: String { rawValue }

    /// Whether this build and machine can run `backend`: the CPU always, BLAS when built with
    /// the `BLAS` trait, Vulkan when built with the `Vulkan` trait and a device is present.
    public static func isAvailable(_ backend: ComputeBackend) -> Bool {
        switch backend {
        case .cpu, .auto: true
        case .blas: Kernels.blas != nil
        case .vulkan: (try? VulkanCompute.availableDevices())?.isEmpty == false
        }
    }

    /// The weight types the backend's matrix products read (for ``auto``: those of the CPU).
    public var supportedWeightTypes: Set<GGMLType> {
        self == .vulkan ? VulkanCompute.weightTypes : Set(Kernels.supportedTypes)
    }

    /// The backend `auto` stands for on this machine and build, with the reason for the choice.
    public static func resolveAuto() -> (backend: ComputeBackend, reason: String) {
        let gpu: String?
        do {
            gpu = try VulkanCompute.availableDevices().first(where: \.isHardwareGPU)?.name
        } catch {
            return fallback(because: "Vulkan unavailable: \(error)")
        }
        if let gpu { return (.vulkan, "Vulkan GPU \(gpu)") }
        return fallback(because: "no Vulkan GPU (only software devices)")
    }

    private static func fallback(because reason: String) -> (backend: ComputeBackend, reason: String) {
        cpuFallback == .cpu ? (.cpu, "\(reason); using the CPU") : (.blas, "\(reason); using the CPU with BLAS")
    }

    /// What `auto` runs on when it does not take Vulkan: BLAS when built in, else the CPU.
    static var cpuFallback: ComputeBackend { Kernels.blas == nil ? .cpu : .blas }
}
