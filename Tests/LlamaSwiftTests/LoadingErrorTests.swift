import FixtureSupport
import Foundation
import GGUF
import Testing
import LlamaSwift

/// Bad files and bad requests throw typed errors that name the problem.
@Suite struct LoadingErrorTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-\(UUID().uuidString)-\(name)").path
    }

    /// Writes a copy of stories260K with its metadata and tensors changed by the closures.
    func writeVariant(
        of source: String, metadata change: (inout GGUFMetadata) -> Void = { _ in },
        retype: [String: GGMLType] = [:], drop: Set<String> = []
    ) throws -> String {
        let file = try GGUFFile(path: source)
        var metadata = file.metadata
        change(&metadata)
        var writer = GGUFWriter(metadata: metadata)
        for tensor in file.tensors where !drop.contains(tensor.name) {
            let type = retype[tensor.name] ?? tensor.type
            let size = try #require(type.byteCount(elements: tensor.elementCount))
            let bytes = Array(file.data(for: tensor).prefix(size)) + Array(repeating: 0, count: max(0, size - tensor.byteCount))
            try writer.addTensor(name: tensor.name, type: type, shape: tensor.shape, bytes: bytes)
        }
        let path = temporaryPath("variant.gguf")
        try writer.write(to: path)
        return path
    }

    @Test func missingFile() {
        #expect(throws: LlamaError.fileNotFound(path: "/nonexistent/model.gguf")) {
            try LlamaModel(path: "/nonexistent/model.gguf")
        }
    }

    @Test func notAGGUFFile() throws {
        let path = temporaryPath("junk.gguf")
        try Data("this is not a model, just some text".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try LlamaModel(path: path) } throws: { error in
            guard case .invalidModelFile(let p, _) = error as? LlamaError else { return false }
            return p == path
        }
    }

    @Test(.fixtures("stories260K.gguf")) func otherArchitecture() throws {
        let source = try Fixtures.path("stories260K.gguf")
        let path = try writeVariant(of: source, metadata: { $0["general.architecture"] = .string("gpt2") })
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LlamaError.unsupportedArchitecture("gpt2")) { try LlamaModel(path: path) }
    }

    @Test(.fixtures("stories260K.gguf")) func missingMetadataKey() throws {
        let source = try Fixtures.path("stories260K.gguf")
        let path = try writeVariant(of: source, metadata: { $0["llama.block_count"] = nil })
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LlamaError.missingMetadata(key: "llama.block_count")) { try LlamaModel(path: path) }
    }

    @Test(.fixtures("stories260K.gguf")) func missingTensor() throws {
        let source = try Fixtures.path("stories260K.gguf")
        let path = try writeVariant(of: source, drop: ["blk.2.ffn_up.weight"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LlamaError.missingTensor(name: "blk.2.ffn_up.weight")) { try LlamaModel(path: path) }
    }

    @Test(.fixtures("stories260K.gguf")) func unsupportedTensorType() throws {
        let source = try Fixtures.path("stories260K.gguf")
        let path = try writeVariant(of: source, retype: ["blk.0.attn_q.weight": .iq4_NL])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let supported = GGMLType.allCases.filter(ComputeBackend.cpu.supportedWeightTypes.contains).map(\.name)
        #expect(throws: LlamaError.unsupportedOnBackend(
            backend: "cpu", tensor: "blk.0.attn_q.weight", type: "IQ4_NL", supported: supported)) {
            try LlamaModel(path: path)
        }
    }

    @Test func configurationNamesTheMissingKey() throws {
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string("llama")
        metadata["llama.embedding_length"] = .uint32(64)
        #expect(throws: LlamaError.missingMetadata(key: "llama.block_count")) {
            try ModelConfiguration(metadata: metadata)
        }
        #expect(throws: LlamaError.missingMetadata(key: "general.architecture")) {
            try ModelConfiguration(metadata: GGUFMetadata())
        }
    }

    @Test(.fixtures("stories260K.gguf")) func configurationReadsStories260K() throws {
        let path = try Fixtures.path("stories260K.gguf")
        let c = try ModelConfiguration(metadata: GGUFFile(path: path).metadata)
        #expect(c.embeddingLength == 64)
        #expect(c.blockCount == 5)
        #expect(c.headCount == 8)
        #expect(c.keyValueHeadCount == 4)
        #expect(c.contextLength == 128)
        #expect(c.vocabularySize == 512)
        #expect(c.ropeFrequencyBase == 10000)
    }

    @Test(.fixtures("stories260K.gguf")) func promptLongerThanTheContext() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        let session = try model.makeSession(contextSize: 8)
        let prompt = "Lily and Tom were friends. One day"
        let count = model.tokenize(prompt).count
        try #require(count > 8)
        await #expect(throws: LlamaError.contextOverflow(tokens: count, contextSize: 8)) {
            for try await _ in session.generate(prompt: prompt) {}
        }
        #expect(throws: LlamaError.contextOverflow(tokens: 200, contextSize: 128)) {
            try model.logits(for: Array(repeating: 1, count: 200), contextSize: 128)
        }
    }

    @Test(.fixtures("stories260K.gguf")) func badTokensAndParameters() async throws {
        let path = try Fixtures.path("stories260K.gguf")
        let model = try LlamaModel(path: path, threads: 1)
        #expect(throws: LlamaError.invalidToken(id: 512, vocabularySize: 512)) { try model.logits(for: [1, 512]) }
        #expect(throws: LlamaError.invalidToken(id: -1, vocabularySize: 512)) { try model.logits(for: [-1]) }
        #expect(throws: LlamaError.emptyInput) { try model.logits(for: []) }
        #expect { try model.makeSession(contextSize: 0) } throws: { error in
            guard case .invalidParameter(let name, _, _) = error as? LlamaError else { return false }
            return name == "--ctx-size"
        }
        var p = GenerationParameters()
        p.temperature = -1
        let session = try model.makeSession()
        await #expect { for try await _ in session.generate(prompt: "Hi", parameters: p) {} } throws: { error in
            guard case .invalidParameter(let name, _, _) = error as? LlamaError else { return false }
            return name == "--temp"
        }
    }
}
