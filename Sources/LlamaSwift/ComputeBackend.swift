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

    /// The backend `auto` stands for on this machine and build, with the reason for the choice.
    public static func resolveAuto() -> (backend: ComputeBackend, reason: String) {
        let gpu: String?
        do {
            gpu = try VulkanForward.availableDevices().first(where: \.isHardwareGPU)?.name
        } catch {
            return fallback(because: "Vulkan unavailable: \(error)")
        }
        if let gpu { return (.vulkan, "Vulkan GPU \(gpu)") }
        return fallback(because: "no Vulkan GPU (only software devices)")
    }

    private static func fallback(because reason: String) -> (backend: ComputeBackend, reason: String) {
        Kernels.blas == nil ? (.cpu, "\(reason); using the CPU") : (.blas, "\(reason); using the CPU with BLAS")
    }
}
