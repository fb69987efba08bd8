import FixtureSupport
import Foundation
import GGUF
import Testing

/// `llama-swift` refuses bad input with one clear message on stderr and a non-zero exit.
@Suite struct GenerateErrorTests {
    func expectFailure(_ arguments: [String], mentions fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try Tool.run("llama-swift", arguments)
        #expect(result.status != 0, "exit status for \(arguments)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fragment), "stderr for \(arguments): \(result.stderr)", sourceLocation: sourceLocation)
    }

    /// A copy of stories260K with one change to its metadata or one tensor's type.
    func variant(of stories: String, _ change: (inout GGUFMetadata) -> Void = { _ in },
                 retype: (name: String, type: GGMLType)? = nil) throws -> String {
        let file = try GGUFFile(path: stories)
        var metadata = file.metadata
        change(&metadata)
        var writer = GGUFWriter(metadata: metadata)
        for t in file.tensors {
            if let retype, retype.name == t.name {
                let size = try #require(retype.type.byteCount(elements: t.elementCount))
                try writer.addTensor(name: t.name, type: retype.type, shape: t.shape, bytes: [UInt8](repeating: 0, count: size))
            } else {
                try writer.addTensor(name: t.name, type: t.type, shape: t.shape) { $0.copyMemory(from: file.data(for: t)) }
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("variant-\(UUID()).gguf").path
        try writer.write(to: path)
        return path
    }

    @Test(.fixtures("stories260K.gguf")) func badFilesAndModels() throws {
        let stories = try Fixtures.path("stories260K.gguf")
        try expectFailure(["-m", "/nonexistent/model.gguf", "-p", "hi"], mentions: "/nonexistent/model.gguf")
        try expectFailure(["-m", Fixtures.packageRoot.appendingPathComponent("README.md").path, "-p", "hi"], mentions: "bad magic")
        let gpt2 = try variant(of: stories) { $0["general.architecture"] = .string("gpt2") }
        defer { try? FileManager.default.removeItem(atPath: gpt2) }
        try expectFailure(["-m", gpt2, "-p", "hi"], mentions: "gpt2")
        let iq = try variant(of: stories, retype: ("blk.0.attn_q.weight", .iq4_NL))
        defer { try? FileManager.default.removeItem(atPath: iq) }
        try expectFailure(["-m", iq, "-p", "hi"], mentions: "blk.0.attn_q.weight")
    }

    @Test(.fixtures("stories260K.gguf")) func nonsenseParameters() throws {
        let stories = try Fixtures.path("stories260K.gguf")
        try expectFailure(["-m", stories, "-p", "hi", "--temp", "-1"], mentions: "--temp")
        try expectFailure(["-m", stories, "-p", "hi", "--top-p", "1.5"], mentions: "--top-p")
        try expectFailure(["-m", stories, "-p", "hi", "-n", "-2"], mentions: "--n-predict")
        let long = String(repeating: "Once upon a time there was a cat. ", count: 20)
        try expectFailure(["-m", stories, "-p", long, "-c", "32"], mentions: "context")
    }

    @Test(.fixtures("stories260K.gguf", "reference/stories260K.json")) func storiesGreedyTextFromTheCommandLine() throws {
        let stories = try Fixtures.path("stories260K.gguf")
        let reference = try #require(try Fixtures.jsonObject("reference/stories260K.json") as? [String: Any])
        let cases = try #require(reference["cases"] as? [[String: Any]])
        let first = try #require(cases.first { $0["prompt"] as? String == "Patrick loves ice-cream. On a hot day " })
        let text = try #require(first["greedy_text"] as? String)
        let result = try Tool.run("llama-swift", ["-m", stories, "-p", "Patrick loves ice-cream. On a hot day ", "-n", "20", "-c", "128", "--temp", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        // The continuation, then one newline when generation ends.
        let printed = result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
        #expect(printed.count > 30 && text.hasPrefix(printed), "'\(printed)' is not the start of '\(text)'")
        #expect(result.stderr.contains("tokens/s"))
    }
}
