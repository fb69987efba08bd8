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

    @Test func listsDevicesAndRejectsAMissingIndex() throws {
        guard try TestDevice.open() != nil, let path = try Fixtures.require("stories260K.gguf") else { return }
        let devices = try VulkanForward.availableDevices()
        #expect(!devices.isEmpty)
        #expect(devices.map(\.index) == Array(devices.indices))
        #expect(devices.allSatisfy { !$0.name.isEmpty })
        let file = try GGUFFile(path: path)
        let hyperparameters = try VulkanHyperparameters(file: file)
        let chosen = try VulkanForward(file: file, hyperparameters: hyperparameters, contextLength: 16, deviceIndex: devices.count - 1)
        #expect(chosen.deviceName == devices[devices.count - 1].name)
        #expect(throws: VulkanError.deviceIndexOutOfRange(index: devices.count, count: devices.count)) {
            try VulkanForward(file: file, hyperparameters: hyperparameters, contextLength: 16, deviceIndex: devices.count)
        }
    }

    @Test func rejectsTokensAndPositionsOutsideTheModel() throws {
        guard try TestDevice.open() != nil, let path = try Fixtures.require("stories260K.gguf") else { return }
        let file = try GGUFFile(path: path)
        let model = try VulkanForward(file: file, hyperparameters: VulkanHyperparameters(file: file), contextLength: 8)
        #expect(throws: VulkanError.self) { try model.forward(tokens: [512], startPosition: 0) }
        #expect(throws: VulkanError.self) { try model.forward(tokens: [], startPosition: 0) }
        #expect(throws: VulkanError.self) { try model.forward(tokens: [1], startPosition: 1) }
        #expect(throws: VulkanError.self) { try model.forward(tokens: Array(repeating: 1, count: 9), startPosition: 0) }
        #expect(try model.forward(tokens: [1, 2, 3], startPosition: 0).count == 512)
        #expect(model.cachedPositions == 3)
        model.reset()
        #expect(model.cachedPositions == 0)
        #expect(throws: VulkanError.self) { try model.forward(tokens: [1], startPosition: 3) }
        #expect(throws: VulkanError.self) {
            try VulkanForward(file: file, hyperparameters: VulkanHyperparameters(file: file), contextLength: Int.max)
        }
    }

    /// A KV cache larger than the device says how much memory it would need.
    @Test func refusesAModelThatDoesNotFitInDeviceMemory() throws {
        guard let device = try TestDevice.open(), let path = try Fixtures.require("stories260K.gguf") else { return }
        let file = try GGUFFile(path: path)
        let contextLength = 1 << 28
        do {
            _ = try VulkanForward(file: file, hyperparameters: VulkanHyperparameters(file: file), contextLength: contextLength)
            Issue.record("a \(contextLength)-position context loaded")
        } catch let error {
            guard case .insufficientMemory(let name, let needed, let available) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == device.info.name)
            #expect(needed > available)
            #expect(error.description.contains("MiB"))
        }
    }

    /// A weight type without a shader is refused by name when the model loads.
    @Test func refusesAWeightTypeWithoutAShader() throws {
        guard try TestDevice.open() != nil, let path = try Fixtures.require("stories260K.gguf") else { return }
        let source = try GGUFFile(path: path)
        var writer = GGUFWriter(metadata: source.metadata)
        for tensor in source.tensors {
            let data = source.data(for: tensor)
            if tensor.name == "blk.0.ffn_up.weight" {
                let blocks = tensor.elementCount / 32
                try writer.addTensor(name: tensor.name, type: .q4_1, shape: tensor.shape, bytes: [UInt8](repeating: 0, count: blocks * 20))
            } else {
                try writer.addTensor(name: tensor.name, type: tensor.type, shape: tensor.shape, bytes: [UInt8](data))
            }
        }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("vulkan-q4_1-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try writer.write(to: temporary)
        let file = try GGUFFile(path: temporary)
        #expect(throws: VulkanError.unsupportedTensorType(tensor: "blk.0.ffn_up.weight", type: "Q4_1")) {
            try VulkanForward(file: file, hyperparameters: VulkanHyperparameters(file: file), contextLength: 16)
        }
    }
    #else
    @Test func entryPointsSayHowToEnableVulkan() throws {
        #expect(throws: VulkanError.builtWithoutVulkan) { try VulkanForward.availableDevices() }
        #expect(VulkanError.builtWithoutVulkan.description.contains("--traits Vulkan"))
        guard let path = try Fixtures.require("stories260K.gguf") else { return }
        let file = try GGUFFile(path: path)
        #expect(throws: VulkanError.builtWithoutVulkan) {
            try VulkanForward(file: file, hyperparameters: VulkanHyperparameters(file: file), contextLength: 16)
        }
    }
    #endif
}
