#if LLAMA_VULKAN
import Foundation

/// Copies host bytes into device-local buffers through one host-visible staging buffer,
/// submitting the copies whenever the staging buffer is full and once at the end.
final class StagingUploader {
    private let staging: VulkanBuffer
    private let recorder: CommandRecorder
    private var pending: [(destination: VulkanBuffer, destinationOffset: Int, stagingOffset: Int, bytes: Int)] = []
    private var used = 0

    init(device: VulkanDevice, capacity: Int) throws(VulkanError) {
        staging = try VulkanBuffer(device: device, size: capacity, placement: .hostVisible)
        recorder = try CommandRecorder(device: device, maxDispatches: 1)
    }

    /// Queues a copy of `bytes` to the start of `destination`.
    func upload(_ bytes: UnsafeRawBufferPointer, to destination: VulkanBuffer) throws(VulkanError) {
        guard let source = bytes.baseAddress, let contents = staging.contents else { return }
        var done = 0
        while done < bytes.count {
            if used == staging.size { try flush() }
            let count = min(bytes.count - done, staging.size - used)
            (contents + used).copyMemory(from: source + done, byteCount: count)
            pending.append((destination, done, used, count))
            used += count
            done += count
        }
    }

    /// Runs the queued copies and waits for them.
    func flush() throws(VulkanError) {
        guard !pending.isEmpty else { return }
        let copies = pending
        try recorder.run { (encoder: CommandEncoder) throws(VulkanError) in
            for copy in copies {
                encoder.copy(
                    from: staging, sourceOffset: copy.stagingOffset, to: copy.destination,
                    destinationOffset: copy.destinationOffset, bytes: copy.bytes
                )
            }
        }
        pending.removeAll()
        used = 0
    }
}
#endif
