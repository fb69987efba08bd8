#if LLAMA_VULKAN
import GGUF

/// A weight tensor in device memory, its bytes exactly as the GGUF file stores them.
struct DeviceTensor {
    let name: String
    let type: GGMLType
    /// Elements per row (the fastest GGUF dimension).
    let rowLength: Int
    let rowCount: Int
    let buffer: VulkanBuffer
}
#endif
