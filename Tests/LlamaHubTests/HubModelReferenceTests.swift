import Foundation
@testable import LlamaHub
import Testing

/// Parsing `OWNER/NAME[:QUANT]` and checking the file and revision.
@Suite struct HubModelReferenceTests {
    @Test func repositoryAlone() throws {
        let reference = try HubModelReference("bartowski/SmolLM2-135M-Instruct-GGUF")
        #expect(reference.repository == "bartowski/SmolLM2-135M-Instruct-GGUF")
        #expect(reference.quantization == nil)
        #expect(reference.file == nil)
        #expect(reference.revision == "main")
        #expect(reference.owner == "bartowski")
        #expect(reference.name == "SmolLM2-135M-Instruct-GGUF")
        #expect(reference.description == "bartowski/SmolLM2-135M-Instruct-GGUF")
    }

    @Test func quantizationFileAndRevision() throws {
        let quantized = try HubModelReference("unsloth/Qwen3-0.6B-GGUF:q4_k_m")
        #expect(quantized.repository == "unsloth/Qwen3-0.6B-GGUF")
        #expect(quantized.quantization == "q4_k_m")
        #expect(quantized.description == "unsloth/Qwen3-0.6B-GGUF:q4_k_m")

        let exact = try HubModelReference("o/n", file: "sub/model.Q8_0.gguf", revision: "refs/pr/1")
        #expect(exact.file == "sub/model.Q8_0.gguf")
        #expect(exact.revision == "refs/pr/1")
        #expect(exact.description == "o/n (file sub/model.Q8_0.gguf) at revision refs/pr/1")
    }

    @Test(arguments: [
        "noslash", "a/b/c", "../x", "a/b:", "", "/x", "a/", "a b/c", "a/b:Q4 K", "a--b/c", "a/..", ".x/y", "a/b:c:d", "a/b\u{0}",
    ])
    func invalidReferences(text: String) async {
        let error = await hubError { try HubModelReference(text) }
        guard case .invalidReference(let reference, let reason) = error else {
            Issue.record("'\(text)' gave \(String(describing: error))")
            return
        }
        #expect(reference == text)
        #expect(!reason.isEmpty)
        #expect(error?.description.contains("invalid model reference") == true)
    }

    @Test(arguments: ["/abs.gguf", "../x.gguf", "a/../b.gguf", "a//b.gguf", ".choices.json", "x.gguf.partial", "", "dir/", "a\\b.gguf"])
    func invalidFiles(file: String) async {
        let error = await hubError { try HubModelReference("o/n", file: file) }
        guard case .invalidReference("o/n", let reason) = error else {
            Issue.record("file '\(file)' gave \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("file '\(file)'"))
    }

    @Test(arguments: ["", "a//b", "../x", "a b", "refs/.hidden"])
    func invalidRevisions(revision: String) async {
        let error = await hubError { try HubModelReference("o/n", revision: revision) }
        guard case .invalidReference("o/n", let reason) = error else {
            Issue.record("revision '\(revision)' gave \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("revision '\(revision)'"))
    }

    /// A revision's `/` does not make folders in the cache.
    @Test func revisionFolder() throws {
        let cache = HubCache(root: URL(fileURLWithPath: "/cache"), reference: try HubModelReference("o/n", revision: "refs/pr/1"))
        #expect(cache.directory.path == "/cache/o--n/refs%2Fpr%2F1")
        #expect(cache.location(of: "x.gguf").path == "/cache/o--n/refs%2Fpr%2F1/x.gguf")
        #expect(cache.partialLocation(of: "x.gguf").path == "/cache/o--n/refs%2Fpr%2F1/x.gguf.partial")
    }
}
