#if LLAMA_VULKAN
import CVulkan

/// The Vulkan commands LlamaVulkan calls, resolved through the loader for one instance.
///
/// The Vulkan trait does not link the loader: ``VulkanLibrary`` opens it at run time, so that
/// a build with the trait still starts on a machine without Vulkan and throws
/// ``VulkanError/loaderUnavailable(_:)`` instead.
struct VulkanFunctions {
    let vkAllocateCommandBuffers: PFN_vkAllocateCommandBuffers
    let vkAllocateDescriptorSets: PFN_vkAllocateDescriptorSets
    let vkAllocateMemory: PFN_vkAllocateMemory
    let vkBeginCommandBuffer: PFN_vkBeginCommandBuffer
    let vkBindBufferMemory: PFN_vkBindBufferMemory
    let vkCmdBindDescriptorSets: PFN_vkCmdBindDescriptorSets
    let vkCmdBindPipeline: PFN_vkCmdBindPipeline
    let vkCmdCopyBuffer: PFN_vkCmdCopyBuffer
    let vkCmdDispatch: PFN_vkCmdDispatch
    let vkCmdPipelineBarrier: PFN_vkCmdPipelineBarrier
    let vkCmdPushConstants: PFN_vkCmdPushConstants
    let vkCreateBuffer: PFN_vkCreateBuffer
    let vkCreateCommandPool: PFN_vkCreateCommandPool
    let vkCreateComputePipelines: PFN_vkCreateComputePipelines
    let vkCreateDescriptorPool: PFN_vkCreateDescriptorPool
    let vkCreateDescriptorSetLayout: PFN_vkCreateDescriptorSetLayout
    let vkCreateDevice: PFN_vkCreateDevice
    let vkCreateFence: PFN_vkCreateFence
    let vkCreatePipelineLayout: PFN_vkCreatePipelineLayout
    let vkCreateShaderModule: PFN_vkCreateShaderModule
    let vkDestroyBuffer: PFN_vkDestroyBuffer
    let vkDestroyCommandPool: PFN_vkDestroyCommandPool
    let vkDestroyDescriptorPool: PFN_vkDestroyDescriptorPool
    let vkDestroyDescriptorSetLayout: PFN_vkDestroyDescriptorSetLayout
    let vkDestroyDevice: PFN_vkDestroyDevice
    let vkDestroyFence: PFN_vkDestroyFence
    let vkDestroyInstance: PFN_vkDestroyInstance
    let vkDestroyPipeline: PFN_vkDestroyPipeline
    let vkDestroyPipelineLayout: PFN_vkDestroyPipelineLayout
    let vkDestroyShaderModule: PFN_vkDestroyShaderModule
    let vkDeviceWaitIdle: PFN_vkDeviceWaitIdle
    let vkEndCommandBuffer: PFN_vkEndCommandBuffer
    let vkEnumeratePhysicalDevices: PFN_vkEnumeratePhysicalDevices
    let vkFreeMemory: PFN_vkFreeMemory
    let vkGetBufferMemoryRequirements: PFN_vkGetBufferMemoryRequirements
    let vkGetDeviceQueue: PFN_vkGetDeviceQueue
    let vkGetPhysicalDeviceMemoryProperties: PFN_vkGetPhysicalDeviceMemoryProperties
    let vkGetPhysicalDeviceProperties: PFN_vkGetPhysicalDeviceProperties
    let vkGetPhysicalDeviceQueueFamilyProperties: PFN_vkGetPhysicalDeviceQueueFamilyProperties
    let vkMapMemory: PFN_vkMapMemory
    let vkQueueSubmit: PFN_vkQueueSubmit
    let vkResetCommandBuffer: PFN_vkResetCommandBuffer
    let vkResetDescriptorPool: PFN_vkResetDescriptorPool
    let vkResetFences: PFN_vkResetFences
    let vkUnmapMemory: PFN_vkUnmapMemory
    let vkUpdateDescriptorSets: PFN_vkUpdateDescriptorSets
    let vkWaitForFences: PFN_vkWaitForFences

    /// Resolves every command for `instance`.
    init(instance: VkInstance, library: VulkanLibrary) throws(VulkanError) {
        func load<Function>(_ name: String) throws(VulkanError) -> Function {
            try library.function(name, instance: instance)
        }
        vkAllocateCommandBuffers = try load("vkAllocateCommandBuffers")
        vkAllocateDescriptorSets = try load("vkAllocateDescriptorSets")
        vkAllocateMemory = try load("vkAllocateMemory")
        vkBeginCommandBuffer = try load("vkBeginCommandBuffer")
        vkBindBufferMemory = try load("vkBindBufferMemory")
        vkCmdBindDescriptorSets = try load("vkCmdBindDescriptorSets")
        vkCmdBindPipeline = try load("vkCmdBindPipeline")
        vkCmdCopyBuffer = try load("vkCmdCopyBuffer")
        vkCmdDispatch = try load("vkCmdDispatch")
        vkCmdPipelineBarrier = try load("vkCmdPipelineBarrier")
        vkCmdPushConstants = try load("vkCmdPushConstants")
        vkCreateBuffer = try load("vkCreateBuffer")
        vkCreateCommandPool = try load("vkCreateCommandPool")
        vkCreateComputePipelines = try load("vkCreateComputePipelines")
        vkCreateDescriptorPool = try load("vkCreateDescriptorPool")
        vkCreateDescriptorSetLayout = try load("vkCreateDescriptorSetLayout")
        vkCreateDevice = try load("vkCreateDevice")
        vkCreateFence = try load("vkCreateFence")
        vkCreatePipelineLayout = try load("vkCreatePipelineLayout")
        vkCreateShaderModule = try load("vkCreateShaderModule")
        vkDestroyBuffer = try load("vkDestroyBuffer")
        vkDestroyCommandPool = try load("vkDestroyCommandPool")
        vkDestroyDescriptorPool = try load("vkDestroyDescriptorPool")
        vkDestroyDescriptorSetLayout = try load("vkDestroyDescriptorSetLayout")
        vkDestroyDevice = try load("vkDestroyDevice")
        vkDestroyFence = try load("vkDestroyFence")
        vkDestroyInstance = try load("vkDestroyInstance")
        vkDestroyPipeline = try load("vkDestroyPipeline")
        vkDestroyPipelineLayout = try load("vkDestroyPipelineLayout")
        vkDestroyShaderModule = try load("vkDestroyShaderModule")
        vkDeviceWaitIdle = try load("vkDeviceWaitIdle")
        vkEndCommandBuffer = try load("vkEndCommandBuffer")
        vkEnumeratePhysicalDevices = try load("vkEnumeratePhysicalDevices")
        vkFreeMemory = try load("vkFreeMemory")
        vkGetBufferMemoryRequirements = try load("vkGetBufferMemoryRequirements")
        vkGetDeviceQueue = try load("vkGetDeviceQueue")
        vkGetPhysicalDeviceMemoryProperties = try load("vkGetPhysicalDeviceMemoryProperties")
        vkGetPhysicalDeviceProperties = try load("vkGetPhysicalDeviceProperties")
        vkGetPhysicalDeviceQueueFamilyProperties = try load("vkGetPhysicalDeviceQueueFamilyProperties")
        vkMapMemory = try load("vkMapMemory")
        vkQueueSubmit = try load("vkQueueSubmit")
        vkResetCommandBuffer = try load("vkResetCommandBuffer")
        vkResetDescriptorPool = try load("vkResetDescriptorPool")
        vkResetFences = try load("vkResetFences")
        vkUnmapMemory = try load("vkUnmapMemory")
        vkUpdateDescriptorSets = try load("vkUpdateDescriptorSets")
        vkWaitForFences = try load("vkWaitForFences")
    }
}
#endif
