#if LLAMA_VULKAN
import CVulkan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Vulkan loader library, opened at run time, and its `vkGetInstanceProcAddr`.
final class VulkanLibrary: @unchecked Sendable {
    /// Names tried in order: the Linux loader's soname, then the macOS loader's.
    static let defaultNames = ["libvulkan.so.1", "libvulkan.1.dylib"]

    /// The loader opened once per process (or why it could not be).
    static let shared = Result { () throws(VulkanError) in try VulkanLibrary(names: defaultNames) }

    private let getInstanceProcAddr: PFN_vkGetInstanceProcAddr

    /// Opens the first of `names` that loads and exports `vkGetInstanceProcAddr`. The library
    /// stays open for the life of the process.
    init(names: [String]) throws(VulkanError) {
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let symbol = dlsym(handle, "vkGetInstanceProcAddr") {
                getInstanceProcAddr = unsafeBitCast(symbol, to: PFN_vkGetInstanceProcAddr.self)
                return
            }
            dlclose(handle)
        }
        throw .loaderUnavailable(names.joined(separator: ", "))
    }

    /// The command `name`, for `instance` (`nil` for the commands that create an instance).
    func function<Function>(_ name: String, instance: VkInstance?) throws(VulkanError) -> Function {
        guard let address = getInstanceProcAddr(instance, name) else { throw .missingCommand(name) }
        return unsafeBitCast(address, to: Function.self)
    }
}
#endif
