#if LLAMA_VULKAN
import CVulkan

/// A logical device with one compute queue, the memory types to allocate from, and a command
/// buffer with its fence for synchronous submissions.
final class VulkanDevice {
    /// Held so that the instance outlives the device.
    let instance: VulkanInstance
    let physicalDevice: VkPhysicalDevice
    let handle: VkDevice
    let queue: VkQueue
    let info: VulkanDeviceInfo
    /// Largest range one storage buffer binding can address.
    let maxStorageBufferRange: Int
    /// Largest workgroup count along each of x, y, z.
    let maxWorkgroupCount: (x: Int, y: Int, z: Int)
    private let memoryTypes: [VkMemoryType]
    private let commandPool: VkCommandPool
    let commandBuffer: VkCommandBuffer
    private let fence: VkFence

    /// The commands of the device's instance.
    var vk: VulkanFunctions { instance.vk }

    /// Opens device `index` of ``VulkanInstance/computeDevices()``, or the preferred one
    /// (discrete GPU, then integrated, virtual, CPU) when `index` is `nil`.
    init(index: Int?) throws(VulkanError) {
        let instance = try VulkanInstance()
        self.instance = instance
        let vk = instance.vk
        let devices = try instance.computeDevices()
        guard !devices.isEmpty else { throw .noDevice }
        let chosen: (device: VkPhysicalDevice, queueFamily: UInt32, info: VulkanDeviceInfo)
        if let index {
            guard devices.indices.contains(index) else { throw .deviceIndexOutOfRange(index: index, count: devices.count) }
            chosen = devices[index]
        } else {
            chosen = devices.min { ($0.info.rank, $0.info.index) < ($1.info.rank, $1.info.index) }!
        }
        physicalDevice = chosen.device
        info = chosen.info

        var properties = VkPhysicalDeviceProperties()
        vk.vkGetPhysicalDeviceProperties(physicalDevice, &properties)
        maxStorageBufferRange = Int(properties.limits.maxStorageBufferRange)
        let counts = elements(of: properties.limits.maxComputeWorkGroupCount, count: 3, as: UInt32.self)
        maxWorkgroupCount = (Int(counts[0]), Int(counts[1]), Int(counts[2]))
        var memory = VkPhysicalDeviceMemoryProperties()
        vk.vkGetPhysicalDeviceMemoryProperties(physicalDevice, &memory)
        memoryTypes = elements(of: memory.memoryTypes, count: Int(memory.memoryTypeCount), as: VkMemoryType.self)

        var device: VkDevice?
        let result = withUnsafePointer(to: Float(1)) { priority in
            var queueInfo = VkDeviceQueueCreateInfo()
            queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            queueInfo.queueFamilyIndex = chosen.queueFamily
            queueInfo.queueCount = 1
            queueInfo.pQueuePriorities = priority
            return withUnsafePointer(to: queueInfo) { queueInfoPointer in
                var deviceInfo = VkDeviceCreateInfo()
                deviceInfo.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                deviceInfo.queueCreateInfoCount = 1
                deviceInfo.pQueueCreateInfos = queueInfoPointer
                return vk.vkCreateDevice(chosen.device, &deviceInfo, nil, &device)
            }
        }
        try check(result, "vkCreateDevice")
        handle = device!

        var queue: VkQueue?
        vk.vkGetDeviceQueue(handle, chosen.queueFamily, 0, &queue)
        self.queue = queue!

        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        poolInfo.queueFamilyIndex = chosen.queueFamily
        var pool: VkCommandPool?
        let poolResult = vk.vkCreateCommandPool(handle, &poolInfo, nil, &pool)
        guard poolResult == VK_SUCCESS, let pool else {
            vk.vkDestroyDevice(handle, nil)
            throw .callFailed(call: "vkCreateCommandPool", result: poolResult.rawValue)
        }
        commandPool = pool

        var allocateInfo = VkCommandBufferAllocateInfo()
        allocateInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocateInfo.commandPool = commandPool
        allocateInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocateInfo.commandBufferCount = 1
        var commandBuffer: VkCommandBuffer?
        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var fence: VkFence?
        let bufferResult = vk.vkAllocateCommandBuffers(handle, &allocateInfo, &commandBuffer)
        let fenceResult = vk.vkCreateFence(handle, &fenceInfo, nil, &fence)
        guard bufferResult == VK_SUCCESS, fenceResult == VK_SUCCESS, let commandBuffer, let fence else {
            if let fence { vk.vkDestroyFence(handle, fence, nil) }
            vk.vkDestroyCommandPool(handle, commandPool, nil)
            vk.vkDestroyDevice(handle, nil)
            let failed = bufferResult == VK_SUCCESS ? ("vkCreateFence", fenceResult) : ("vkAllocateCommandBuffers", bufferResult)
            throw .callFailed(call: failed.0, result: failed.1.rawValue)
        }
        self.commandBuffer = commandBuffer
        self.fence = fence
    }

    deinit {
        _ = vk.vkDeviceWaitIdle(handle)
        vk.vkDestroyFence(handle, fence, nil)
        vk.vkDestroyCommandPool(handle, commandPool, nil)
        vk.vkDestroyDevice(handle, nil)
    }

    /// A memory type allowed by `typeBits` with all of `required`, preferring one that also has
    /// all of `preferred`.
    func memoryTypeIndex(typeBits: UInt32, required: UInt32, preferred: UInt32) -> UInt32? {
        let allowed = memoryTypes.indices.filter { typeBits & (1 << $0) != 0 && memoryTypes[$0].propertyFlags & required == required }
        let best = allowed.first { memoryTypes[$0].propertyFlags & preferred == preferred } ?? allowed.first
        return best.map(UInt32.init)
    }

    /// Records commands with `record`, submits them and waits until the device has run them.
    func submitAndWait(_ record: (VkCommandBuffer) throws(VulkanError) -> Void) throws(VulkanError) {
        try check(vk.vkResetCommandBuffer(commandBuffer, 0), "vkResetCommandBuffer")
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(vk.vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer")
        do {
            try record(commandBuffer)
        } catch {
            _ = vk.vkEndCommandBuffer(commandBuffer)
            throw error
        }
        try check(vk.vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
        var fence: VkFence? = self.fence
        try check(vk.vkResetFences(handle, 1, &fence), "vkResetFences")
        let submitResult = withUnsafePointer(to: Optional(commandBuffer)) { buffers in
            var submit = VkSubmitInfo()
            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
            submit.commandBufferCount = 1
            submit.pCommandBuffers = buffers
            return vk.vkQueueSubmit(queue, 1, &submit, self.fence)
        }
        try check(submitResult, "vkQueueSubmit")
        try check(vk.vkWaitForFences(handle, 1, &fence, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
    }
}
#endif
