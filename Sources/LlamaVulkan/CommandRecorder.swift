#if LLAMA_VULKAN
import CVulkan

/// Runs sequences of compute dispatches and buffer copies, each sequence recorded into one
/// command buffer and run as one submission. Owns the descriptor sets the dispatches bind.
final class CommandRecorder {
    let device: VulkanDevice
    fileprivate let descriptorPool: VkDescriptorPool
    fileprivate let maxSets: Int
    fileprivate var usedSets = 0

    private var vk: VulkanFunctions { device.vk }

    /// A recorder that can bind up to `maxDispatches` dispatches per submission, each with at
    /// most `maxBindings` buffers.
    init(device: VulkanDevice, maxDispatches: Int, maxBindings: Int = 5) throws(VulkanError) {
        self.device = device
        let vk = device.vk
        maxSets = maxDispatches
        var size = VkDescriptorPoolSize()
        size.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
        size.descriptorCount = UInt32(maxDispatches * maxBindings)
        var pool: VkDescriptorPool?
        let result = withUnsafePointer(to: size) { sizePointer in
            var info = VkDescriptorPoolCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
            info.maxSets = UInt32(maxDispatches)
            info.poolSizeCount = 1
            info.pPoolSizes = sizePointer
            return vk.vkCreateDescriptorPool(device.handle, &info, nil, &pool)
        }
        try check(result, "vkCreateDescriptorPool")
        descriptorPool = pool!
    }

    deinit {
        vk.vkDestroyDescriptorPool(device.handle, descriptorPool, nil)
    }

    /// Records the commands `body` issues, submits them and waits for the device to finish.
    func run(_ body: (CommandEncoder) throws(VulkanError) -> Void) throws(VulkanError) {
        try check(vk.vkResetDescriptorPool(device.handle, descriptorPool, 0), "vkResetDescriptorPool")
        usedSets = 0
        try device.submitAndWait { (buffer: VkCommandBuffer) throws(VulkanError) in
            let encoder = CommandEncoder(recorder: self, commandBuffer: buffer)
            try body(encoder)
            encoder.memoryBarrier(to: VK_PIPELINE_STAGE_HOST_BIT.rawValue, access: VK_ACCESS_HOST_READ_BIT.rawValue)
        }
    }
}

/// Records into the command buffer of one ``CommandRecorder/run(_:)``. Each command is followed
/// by a memory barrier, so every command sees the results of the ones before it; the last
/// barrier makes the results visible to the host.
struct CommandEncoder {
    let recorder: CommandRecorder
    let commandBuffer: VkCommandBuffer

    private var vk: VulkanFunctions { recorder.device.vk }

    /// Dispatches `pipeline` over `groups` workgroups with `buffers` at bindings 0, 1, ... and
    /// `push` as its push constants.
    func dispatch(
        _ pipeline: ComputePipeline, buffers: [VulkanBuffer], push: [UInt32], groups: (x: Int, y: Int, z: Int)
    ) throws(VulkanError) {
        let device = recorder.device
        guard recorder.usedSets < recorder.maxSets else {
            throw .callFailed(
                call: "vkAllocateDescriptorSets (more than \(recorder.maxSets) dispatches in one submission)",
                result: VK_ERROR_OUT_OF_POOL_MEMORY.rawValue
            )
        }
        var set: VkDescriptorSet?
        let allocateResult = withUnsafePointer(to: Optional(pipeline.setLayout)) { layouts in
            var info = VkDescriptorSetAllocateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            info.descriptorPool = recorder.descriptorPool
            info.descriptorSetCount = 1
            info.pSetLayouts = layouts
            return vk.vkAllocateDescriptorSets(device.handle, &info, &set)
        }
        try check(allocateResult, "vkAllocateDescriptorSets")
        recorder.usedSets += 1

        let infos = buffers.map { buffer in
            VkDescriptorBufferInfo(buffer: buffer.handle, offset: 0, range: UInt64.max)
        }
        infos.withUnsafeBufferPointer { infoPointer in
            let writes = (0..<infos.count).map { index in
                var write = VkWriteDescriptorSet()
                write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                write.dstSet = set
                write.dstBinding = UInt32(index)
                write.descriptorCount = 1
                write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                write.pBufferInfo = infoPointer.baseAddress! + index
                return write
            }
            vk.vkUpdateDescriptorSets(device.handle, UInt32(writes.count), writes, 0, nil)
        }

        vk.vkCmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle)
        vk.vkCmdBindDescriptorSets(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &set, 0, nil)
        if !push.isEmpty {
            vk.vkCmdPushConstants(commandBuffer, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, UInt32(push.count * 4), push)
        }
        vk.vkCmdDispatch(commandBuffer, UInt32(groups.x), UInt32(groups.y), UInt32(groups.z))
        memoryBarrier()
    }

    /// Copies `bytes` bytes between buffers.
    func copy(from source: VulkanBuffer, sourceOffset: Int = 0, to destination: VulkanBuffer, destinationOffset: Int = 0, bytes: Int) {
        var region = VkBufferCopy(srcOffset: UInt64(sourceOffset), dstOffset: UInt64(destinationOffset), size: UInt64(bytes))
        vk.vkCmdCopyBuffer(commandBuffer, source.handle, destination.handle, 1, &region)
        memoryBarrier()
    }

    fileprivate func memoryBarrier(
        to stages: UInt32 = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
        access: UInt32 = VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
            | VK_ACCESS_TRANSFER_READ_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
    ) {
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
        barrier.dstAccessMask = access
        vk.vkCmdPipelineBarrier(
            commandBuffer,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
            stages, 0, 1, &barrier, 0, nil, 0, nil
        )
    }
}
#endif
