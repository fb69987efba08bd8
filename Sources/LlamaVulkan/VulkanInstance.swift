#if LLAMA_VULKAN
import CVulkan

/// A Vulkan 1.1 instance and the devices it lists.
final class VulkanInstance {
    let handle: VkInstance
    /// The commands of this instance and its devices.
    let vk: VulkanFunctions

    init() throws(VulkanError) {
        let library = try VulkanLibrary.shared.get()
        let create: PFN_vkCreateInstance = try library.function("vkCreateInstance", instance: nil)
        var application = VkApplicationInfo()
        application.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
        application.apiVersion = Self.version(1, 1)
        var instance: VkInstance?
        let result = withUnsafePointer(to: application) { applicationPointer in
            var info = VkInstanceCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
            info.pApplicationInfo = applicationPointer
            return create(&info, nil, &instance)
        }
        guard result == VK_SUCCESS, let instance else { throw .instanceUnavailable(result: result.rawValue) }
        do {
            vk = try VulkanFunctions(instance: instance, library: library)
        } catch {
            let destroy: PFN_vkDestroyInstance? = try? library.function("vkDestroyInstance", instance: instance)
            destroy?(instance, nil)
            throw error
        }
        handle = instance
    }

    deinit {
        vk.vkDestroyInstance(handle, nil)
    }

    /// `VK_MAKE_API_VERSION(0, major, minor, 0)`.
    static func version(_ major: UInt32, _ minor: UInt32) -> UInt32 { (major << 22) | (minor << 12) }

    /// Every physical device with a compute queue, in enumeration order, with its description.
    func computeDevices() throws(VulkanError) -> [(device: VkPhysicalDevice, queueFamily: UInt32, info: VulkanDeviceInfo)] {
        var count: UInt32 = 0
        try check(vk.vkEnumeratePhysicalDevices(handle, &count, nil), "vkEnumeratePhysicalDevices")
        var handles = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try check(vk.vkEnumeratePhysicalDevices(handle, &count, &handles), "vkEnumeratePhysicalDevices")
        var found: [(VkPhysicalDevice, UInt32, VulkanDeviceInfo)] = []
        for case let device? in handles.prefix(Int(count)) {
            guard let family = computeQueueFamily(device) else { continue }
            var properties = VkPhysicalDeviceProperties()
            vk.vkGetPhysicalDeviceProperties(device, &properties)
            guard properties.apiVersion >= Self.version(1, 1) else { continue }
            let info = VulkanDeviceInfo(
                index: found.count,
                name: string(fromCharacters: properties.deviceName),
                kind: Self.kind(properties.deviceType),
                deviceLocalMemory: largestDeviceLocalHeap(device)
            )
            found.append((device, family, info))
        }
        return found
    }

    private func computeQueueFamily(_ device: VkPhysicalDevice) -> UInt32? {
        var count: UInt32 = 0
        vk.vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(count))
        vk.vkGetPhysicalDeviceQueueFamilyProperties(device, &count, &families)
        let compute = VK_QUEUE_COMPUTE_BIT.rawValue
        return families.prefix(Int(count)).firstIndex { $0.queueFlags & compute != 0 && $0.queueCount > 0 }.map(UInt32.init)
    }

    private static func kind(_ type: VkPhysicalDeviceType) -> VulkanDeviceInfo.Kind {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return .discreteGPU
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return .integratedGPU
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return .virtualGPU
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return .cpu
        default: return .other
        }
    }

    private func largestDeviceLocalHeap(_ device: VkPhysicalDevice) -> Int {
        var memory = VkPhysicalDeviceMemoryProperties()
        vk.vkGetPhysicalDeviceMemoryProperties(device, &memory)
        let heaps = elements(of: memory.memoryHeaps, count: Int(memory.memoryHeapCount), as: VkMemoryHeap.self)
        let local = VK_MEMORY_HEAP_DEVICE_LOCAL_BIT.rawValue
        return heaps.filter { $0.flags & local != 0 }.map { Int($0.size) }.max() ?? 0
    }
}
#endif
