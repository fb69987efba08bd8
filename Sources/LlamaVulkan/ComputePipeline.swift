#if LLAMA_VULKAN
import CVulkan
import Foundation

/// A compute shader with its pipeline: `bindingCount` storage buffers at bindings 0..<n and
/// `pushConstantWords` 32-bit push constants.
final class ComputePipeline {
    let device: VulkanDevice
    let handle: VkPipeline
    let layout: VkPipelineLayout
    let setLayout: VkDescriptorSetLayout

    private var vk: VulkanFunctions { device.vk }

    init(device: VulkanDevice, name: String, spirvBase64: String, bindingCount: Int, pushConstantWords: Int) throws(VulkanError) {
        self.device = device
        let vk = device.vk
        guard let bytes = Data(base64Encoded: spirvBase64), bytes.count % 4 == 0 else {
            throw .callFailed(call: "decoding the SPIR-V of shader \(name)", result: VK_ERROR_INVALID_SHADER_NV.rawValue)
        }
        let code = bytes.withUnsafeBytes { raw in (0..<(raw.count / 4)).map { raw.load(fromByteOffset: $0 * 4, as: UInt32.self) } }

        var module: VkShaderModule?
        let moduleResult = code.withUnsafeBufferPointer { words in
            var info = VkShaderModuleCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
            info.codeSize = words.count * 4
            info.pCode = words.baseAddress
            return vk.vkCreateShaderModule(device.handle, &info, nil, &module)
        }
        try check(moduleResult, "vk.vkCreateShaderModule(\(name))")
        defer { vk.vkDestroyShaderModule(device.handle, module, nil) }

        let bindings = (0..<bindingCount).map { index in
            var binding = VkDescriptorSetLayoutBinding()
            binding.binding = UInt32(index)
            binding.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            binding.descriptorCount = 1
            binding.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
            return binding
        }
        var setLayout: VkDescriptorSetLayout?
        let setResult = bindings.withUnsafeBufferPointer { pointer in
            var info = VkDescriptorSetLayoutCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
            info.bindingCount = UInt32(bindingCount)
            info.pBindings = pointer.baseAddress
            return vk.vkCreateDescriptorSetLayout(device.handle, &info, nil, &setLayout)
        }
        try check(setResult, "vk.vkCreateDescriptorSetLayout(\(name))")
        let createdSetLayout = setLayout!
        self.setLayout = createdSetLayout

        var range = VkPushConstantRange()
        range.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
        range.size = UInt32(pushConstantWords * 4)
        var layout: VkPipelineLayout?
        let layoutResult = withUnsafePointer(to: range) { rangePointer in
            withUnsafePointer(to: Optional(createdSetLayout)) { setLayoutPointer in
                var info = VkPipelineLayoutCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                info.setLayoutCount = 1
                info.pSetLayouts = setLayoutPointer
                info.pushConstantRangeCount = pushConstantWords > 0 ? 1 : 0
                info.pPushConstantRanges = rangePointer
                return vk.vkCreatePipelineLayout(device.handle, &info, nil, &layout)
            }
        }
        guard layoutResult == VK_SUCCESS, let layout else {
            vk.vkDestroyDescriptorSetLayout(device.handle, createdSetLayout, nil)
            throw .callFailed(call: "vk.vkCreatePipelineLayout(\(name))", result: layoutResult.rawValue)
        }
        self.layout = layout

        var pipeline: VkPipeline?
        let pipelineResult = "main".withCString { entry in
            var stage = VkPipelineShaderStageCreateInfo()
            stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
            stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
            stage.module = module
            stage.pName = entry
            var info = VkComputePipelineCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
            info.stage = stage
            info.layout = layout
            return vk.vkCreateComputePipelines(device.handle, nil, 1, &info, nil, &pipeline)
        }
        guard pipelineResult == VK_SUCCESS, let pipeline else {
            vk.vkDestroyPipelineLayout(device.handle, layout, nil)
            vk.vkDestroyDescriptorSetLayout(device.handle, createdSetLayout, nil)
            throw .callFailed(call: "vk.vkCreateComputePipelines(\(name))", result: pipelineResult.rawValue)
        }
        handle = pipeline
    }

    deinit {
        vk.vkDestroyPipeline(device.handle, handle, nil)
        vk.vkDestroyPipelineLayout(device.handle, layout, nil)
        vk.vkDestroyDescriptorSetLayout(device.handle, setLayout, nil)
    }
}
#endif
