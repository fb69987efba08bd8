#if LLAMA_VULKAN
import FixtureSupport
import Testing
@testable import LlamaVulkan

/// The Vulkan device the shader tests run on. A test that needs one says so with the
/// `.vulkanDevice` trait: skipped, saying why, where none opens, except in CI (`CI` set), where
/// Vulkan must be there and ``open()`` fails the test with the error.
enum TestDevice {
    /// Why no Vulkan device opens here, or `nil` when one does (tried once).
    static let unavailableReason: String? = {
        do {
            _ = try VulkanDevice(index: nil)
            return nil
        } catch {
            return "\(error)"
        }
    }()

    static func open() throws -> VulkanDevice {
        try VulkanDevice(index: nil)
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test where a Vulkan device opens, and always in CI.
    static var vulkanDevice: Self {
        .requires(TestDevice.unavailableReason == nil, "no Vulkan device (\(TestDevice.unavailableReason ?? "none"))")
    }
}

extension VulkanBuffer {
    /// A host-visible buffer holding `values`.
    convenience init<T>(device: VulkanDevice, values: [T]) throws {
        try self.init(device: device, size: values.count * MemoryLayout<T>.stride, placement: .hostVisible)
        values.withUnsafeBytes { contents!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// The first `count` floats of a host-visible buffer.
    func floats(_ count: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: contents!.assumingMemoryBound(to: Float.self), count: count))
    }
}

/// Largest absolute difference between two arrays (infinite when their lengths differ or a
/// value is NaN).
func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { worst, pair in
        let difference = abs(pair.0 - pair.1)
        return difference.isNaN ? .infinity : max(worst, difference)
    }
}
#endif
