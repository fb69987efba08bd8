import FixtureSupport
import Foundation
import Testing

/// `llama-swift generate --prompt-cache FILE`, driven as a user would.
@Suite struct PromptCacheToolTests {
    @Test(.fixtures("stories260K.gguf", "synthetic/tiny-llama2-Q4_0.gguf"))
    func secondRunRestoresTheCacheAndPrintsTheSameText() throws {
        let model = try Fixtures.path("stories260K.gguf")
        let other = try Fixtures.path("synthetic/tiny-llama2-Q4_0.gguf")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-\(UUID().uuidString).state").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let arguments = ["generate", "-m", model, "-p", "Once upon a time, there was a dog", "-n", "16", "--temp", "0", "--prompt-cache", cache]

        let first = try Tool.run("llama-swift", arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: cache))
        #expect(!first.stderr.contains("restored"))
        let second = try Tool.run("llama-swift", arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("restored"))
        #expect(second.stdout == first.stdout)
        #expect(!first.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

        let foreign = try Tool.run("llama-swift", ["generate", "-m", other, "-p", "Hello", "-n", "2", "--prompt-cache", cache])
        #expect(foreign.status != 0)
        #expect(foreign.stderr.contains("was saved from a different model"), "\(foreign.stderr)")
    }
}
