#if LLAMA_VULKAN
import CVulkan

/// Throws ``VulkanError/callFailed(call:result:)`` unless `result` is `VK_SUCCESS`; out-of-memory
/// results become ``VulkanError/insufficientMemory(device:neededBytes:availableBytes:)`` when the
/// caller knows the sizes.
func check(_ result: VkResult, _ call: String) throws(VulkanError) {
    guard result == VK_SUCCESS else { throw .callFailed(call: call, result: result.rawValue) }
}

/// The elements of a fixed-size C array that Swift imports as a tuple.
func elements<Tuple, Element>(of tuple: Tuple, count: Int, as type: Element.Type) -> [Element] {
    withUnsafeBytes(of: tuple) { raw in
        (0..<count).map { raw.load(fromByteOffset: $0 * MemoryLayout<Element>.stride, as: Element.self) }
    }
}

/// A NUL-terminated C string held in a fixed-size C array.
func string<Tuple>(fromCharacters tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
}
#endif
