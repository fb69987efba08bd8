#if LLAMA_VULKAN
import CVulkan

/// A storage buffer with its own memory: device-local (weights, KV cache, activations) or
/// host-visible and mapped (staging, tokens, logits).
final class VulkanBuffer {
    enum Placement {
        /// Fastest memory for the device; written through copies.
        case deviceLocal
        /// Mapped, coherent memory the host reads and writes directly.
        case hostVisible
    }

    let device: VulkanDevice
    let handle: VkBuffer
    let size: Int
    private let memory: VkDeviceMemory
    /// The mapping of a host-visible buffer.
    let contents: UnsafeMutableRawPointer?

    private var vk: VulkanFunctions { device.vk }

    init(device: VulkanDevice, size requested: Int, placement: Placement) throws(VulkanError) {
        self.device = device
        let vk = device.vk
        // Whole 32-bit words: shaders read block formats (18- or 34-byte blocks) a word at a time.
        size = max((requested + 3) / 4 * 4, 16)
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(size)
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try check(vk.vkCreateBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer")
        handle = buffer!

        var requirements = VkMemoryRequirements()
        vk.vkGetBufferMemoryRequirements(device.handle, handle, &requirements)
        let hostFlags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
        let typeIndex = switch placement {
        case .deviceLocal: device.memoryTypeIndex(typeBits: requirements.memoryTypeBits, required: 0, preferred: local)
        case .hostVisible: device.memoryTypeIndex(typeBits: requirements.memoryTypeBits, required: hostFlags, preferred: 0)
        }
        guard let typeIndex else {
            vk.vkDestroyBuffer(device.handle, handle, nil)
            throw .callFailed(call: "choosing a memory type", result: VK_ERROR_FEATURE_NOT_PRESENT.rawValue)
        }
        var allocate = VkMemoryAllocateInfo()
        allocate.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocate.allocationSize = requirements.size
        allocate.memoryTypeIndex = typeIndex
        var memory: VkDeviceMemory?
        let result = vk.vkAllocateMemory(device.handle, &allocate, nil, &memory)
        guard result == VK_SUCCESS, let memory else {
            vk.vkDestroyBuffer(device.handle, handle, nil)
            if result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY {
                throw .insufficientMemory(device: device.info.name, neededBytes: size, availableBytes: device.info.deviceLocalMemory)
            }
            throw .callFailed(call: "vkAllocateMemory", result: result.rawValue)
        }
        self.memory = memory
        var mapped: UnsafeMutableRawPointer?
        var status = vk.vkBindBufferMemory(device.handle, handle, memory, 0)
        if status == VK_SUCCESS, placement == .hostVisible {
            status = vk.vkMapMemory(device.handle, memory, 0, UInt64.max, 0, &mapped)
        }
        guard status == VK_SUCCESS else {
            vk.vkDestroyBuffer(device.handle, handle, nil)
            vk.vkFreeMemory(device.handle, memory, nil)
            throw .callFailed(call: "binding or mapping buffer memory", result: status.rawValue)
        }
        contents = mapped
    }

    deinit {
        if contents != nil { vk.vkUnmapMemory(device.handle, memory) }
        vk.vkDestroyBuffer(device.handle, handle, nil)
        vk.vkFreeMemory(device.handle, memory, nil)
    }
}
#endif
