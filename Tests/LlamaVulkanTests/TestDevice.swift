#if LLAMA_VULKAN
import FixtureSupport
@testable import LlamaVulkan

/// The Vulkan device the shader tests run on. In CI (`CI` set) Vulkan must be there, so a
/// missing device is an error; elsewhere the test prints why it skips and gets `nil`.
enum TestDevice {
    static func open(function: String = #function) throws -> VulkanDevice? {
        do {
            return try VulkanDevice(index: nil)
        } catch {
            if Fixtures.isCI { throw error }
            print("SKIPPED \(function): no Vulkan device (\(error))")
            return nil
        }
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
