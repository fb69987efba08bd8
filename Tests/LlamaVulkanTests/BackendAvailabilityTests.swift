import FixtureSupport
import Foundation
import GGUF
import Testing
@testable import LlamaVulkan

/// Device listing and selection errors, and the build without the Vulkan trait.
@Suite struct BackendAvailabilityTests {
    #if LLAMA_VULKAN
    /// The loader is opened at run time: without one, a clear error instead of a failed start.
    @Test func aMissingLoaderIsAnError() {
        #expect(throws: VulkanError.loaderUnavailable("libvulkan-missing.so.9")) {
            try VulkanLibrary(names: ["libvulkan-missing.so.9"])
        }
        #expect(VulkanError.loaderUnavailable("x").description.contains("no Vulkan loader"))
    }

    @Test(.vulkanDevice) func listsDevicesAndRejectsAMissingIndex() throws {
        _ = try TestDevice.open()
        let devices = try VulkanCompute.availableDevices()
        #expect(!devices.isEmpty)
        #expect(devices.map(\.index) == Array(devices.indices))
        #expect(devices.allSatisfy { !$0.name.isEmpty })
        let chosen = try VulkanCompute(deviceIndex: devices.count - 1)
        #expect(chosen.deviceName == devices[devices.count - 1].name)
        #expect(throws: VulkanError.deviceIndexOutOfRange(index: devices.count, count: devices.count)) {
            try VulkanCompute(deviceIndex: devices.count)
        }
    }

    /// Buffers count towards the device memory held, until they are released; one larger than a
    /// binding can address is refused.
    @Test(.vulkanDevice) func countsAllocationsAndRefusesOversizedBuffers() throws {
        _ = try TestDevice.open()
        let compute = try VulkanCompute(deviceIndex: nil)
        let before = compute.allocatedBytes
        var buffer: VulkanDeviceBuffer? = try compute.buffer(bytes: 1 << 20)
        #expect(compute.allocatedBytes == before + (buffer?.byteCount ?? 0))
        buffer = nil
        #expect(compute.allocatedBytes == before)
        #expect(throws: VulkanError.self) { try compute.buffer(bytes: compute.maxBufferBytes + 1) }
        // Uploads and read-backs round-trip.
        let values: [Float] = (0..<1000).map { Float($0) * 0.5 }
        let uploaded = try values.withUnsafeBytes { try compute.upload($0, name: "test") }
        var back = [Float](repeating: 0, count: values.count)
        try back.withUnsafeMutableBytes { try compute.read(uploaded, bytes: $0.count, into: $0.baseAddress!) }
        #expect(back == values)
    }
    #else
    @Test func entryPointsSayHowToEnableVulkan() throws {
        #expect(throws: VulkanError.builtWithoutVulkan) { try VulkanCompute.availableDevices() }
        #expect(throws: VulkanError.builtWithoutVulkan) { try VulkanCompute(deviceIndex: nil) }
        #expect(VulkanError.builtWithoutVulkan.description.contains("--traits Vulkan"))
    }
    #endif
}
