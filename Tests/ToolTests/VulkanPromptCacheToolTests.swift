import FixtureSupport
import Foundation
import LlamaSwift
import Testing

/// `llama-swift generate --backend vulkan --prompt-cache FILE`, driven as a user would.
@Suite struct VulkanPromptCacheToolTests {
    @Test(
        "the second run on Vulkan restores the cache and prints the same text",
        .enabled(if: ComputeBackend.isAvailable(.vulkan), "no Vulkan device (or built without the Vulkan trait)"),
        .fixtures("stories260K.gguf"))
    func secondRunRestores() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-\(UUID().uuidString).state").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let arguments = [
            "generate", "-m", try Fixtures.path("stories260K.gguf"), "--backend", "vulkan", "-p", "Once upon a time, there was a dog",
            "-n", "16", "--temp", "0", "--prompt-cache", cache,
        ]
        let first = try Tool.run("llama-swift", arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("restored"))
        let second = try Tool.run("llama-swift", arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("restored"), "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        #expect(!first.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
