import GGUF
#if LLAMA_VULKAN
import Synchronization
#endif

/// One Vulkan device and the compute primitives a transformer's forward pass records on it:
/// buffers, uploads and read-backs, and command recording (``record(_:)``) of the shader
/// operations in ``VulkanCommands``. It knows no model: callers name the buffers and shapes.
///
/// Without the `Vulkan` package trait the type exists but ``init(deviceIndex:)`` and
/// ``availableDevices()`` throw ``VulkanError/builtWithoutVulkan``. One recording at a time:
/// ``record(_:)`` serialises callers.
public final class VulkanCompute: @unchecked Sendable {
    /// Weight types the matrix-product and embedding shaders read.
    public static let weightTypes: Set<GGMLType> = [.f32, .f16, .q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K]

    /// ``weightTypes``' names in GGML's order, for messages.
    static var weightTypeNames: String {
        GGMLType.allCases.filter(weightTypes.contains).map(\.name).joined(separator: ", ")
    }

    /// The name of the device.
    public let deviceName: String

    #if LLAMA_VULKAN
    let device: VulkanDevice
    let library: ShaderLibrary
    private let recorder: CommandRecorder
    private let lock = Mutex(())
    private let allocated = AllocationCounter()
    #endif

    /// Opens a device: `deviceIndex` from ``availableDevices()``, or `nil` for a discrete GPU,
    /// then an integrated one, then any other device (such as lavapipe).
    public init(deviceIndex: Int?) throws(VulkanError) {
        #if LLAMA_VULKAN
        device = try VulkanDevice(index: deviceIndex)
        library = ShaderLibrary(device: device)
        recorder = try CommandRecorder(device: device, maxDispatches: 8192)
        deviceName = device.info.name
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// The Vulkan devices that can run compute shaders, in the order `deviceIndex` counts them.
    public static func availableDevices() throws(VulkanError) -> [VulkanDeviceInfo] {
        #if LLAMA_VULKAN
        try VulkanInstance().computeDevices().map(\.info)
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// Bytes of device memory allocated through this object and still held.
    public var allocatedBytes: Int {
        #if LLAMA_VULKAN
        allocated.bytes.load(ordering: .relaxed)
        #else
        0
        #endif
    }

    /// The largest buffer one binding can address.
    public var maxBufferBytes: Int {
        #if LLAMA_VULKAN
        device.maxStorageBufferRange
        #else
        0
        #endif
    }

    /// A buffer of `bytes` bytes in device memory (`hostVisible`: mapped for the host).
    public func buffer(bytes: Int, hostVisible: Bool = false) throws(VulkanError) -> VulkanDeviceBuffer {
        #if LLAMA_VULKAN
        guard bytes <= device.maxStorageBufferRange else {
            throw .invalidInput("a buffer of \(bytes) bytes is more than this device's binding limit of \(device.maxStorageBufferRange)")
        }
        let buffer = try VulkanBuffer(device: device, size: bytes, placement: hostVisible ? .hostVisible : .deviceLocal)
        return VulkanDeviceBuffer(buffer, counter: allocated)
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// A device buffer holding a copy of `bytes` (`hostVisible`: in mapped memory, so that it can
    /// be made during a recording).
    public func upload(_ bytes: UnsafeRawBufferPointer, name: String, hostVisible: Bool = false) throws(VulkanError) -> VulkanDeviceBuffer {
        #if LLAMA_VULKAN
        guard bytes.count <= device.maxStorageBufferRange else {
            throw .tensorTooLarge(tensor: name, bytes: bytes.count, limit: device.maxStorageBufferRange)
        }
        let target = try buffer(bytes: bytes.count, hostVisible: hostVisible)
        try write(bytes, to: target)
        return target
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// Replaces the first `bytes.count` bytes of `target`: at once for a host-visible buffer
    /// (which may be written while a recording that reads it is being made), else through a
    /// staging copy, which must not be called during ``record(_:)``.
    public func write(_ bytes: UnsafeRawBufferPointer, to target: VulkanDeviceBuffer) throws(VulkanError) {
        #if LLAMA_VULKAN
        guard bytes.count <= target.byteCount else {
            throw .invalidInput("\(bytes.count) bytes do not fit a buffer of \(target.byteCount)")
        }
        if let contents = target.buffer.contents {
            contents.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            return
        }
        try lock.withLock { _ throws(VulkanError) in
            let uploader = try StagingUploader(device: device, capacity: min(64 << 20, max(bytes.count, 16)))
            try uploader.upload(bytes, to: target.buffer)
            try uploader.flush()
        }
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// Copies the first `count` bytes of `source` to `host`.
    public func read(_ source: VulkanDeviceBuffer, bytes count: Int, into host: UnsafeMutableRawPointer) throws(VulkanError) {
        #if LLAMA_VULKAN
        if let contents = source.buffer.contents {
            host.copyMemory(from: contents, byteCount: count)
            return
        }
        let staging = try VulkanBuffer(device: device, size: count, placement: .hostVisible)
        try lock.withLock { _ throws(VulkanError) in
            try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
                encoder.copy(from: source.buffer, to: staging, bytes: count)
            }
        }
        host.copyMemory(from: staging.contents!, byteCount: count)
        #else
        throw .builtWithoutVulkan
        #endif
    }

    /// Records the commands `body` issues into one command buffer, submits it and waits for the
    /// device. Commands see the results of the ones before them.
    public func record(_ body: (VulkanCommands) throws(VulkanError) -> Void) throws(VulkanError) {
        #if LLAMA_VULKAN
        try lock.withLock { _ throws(VulkanError) in
            try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
                try body(VulkanCommands(encoder: encoder, library: library))
            }
        }
        #else
        throw .builtWithoutVulkan
        #endif
    }
}

/// A buffer in a device's memory, freed when the last reference goes.
public final class VulkanDeviceBuffer: @unchecked Sendable {
    /// Bytes the buffer holds.
    public let byteCount: Int
    #if LLAMA_VULKAN
    let buffer: VulkanBuffer
    private let counter: AllocationCounter

    init(_ buffer: VulkanBuffer, counter: AllocationCounter) {
        self.buffer = buffer
        self.counter = counter
        byteCount = buffer.size
        counter.bytes.add(buffer.size, ordering: .relaxed)
    }

    deinit { counter.bytes.subtract(byteCount, ordering: .relaxed) }
    #else
    private init() { byteCount = 0 }
    #endif
}

#if LLAMA_VULKAN
/// Bytes of device memory a ``VulkanCompute``'s buffers hold.
final class AllocationCounter: Sendable {
    let bytes = Atomic<Int>(0)
}
#endif
