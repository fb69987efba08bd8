import FixtureSupport
import Foundation
import GGUF
import LlamaKernels
import Testing
import LlamaSwift

@Suite struct ModelQuantizerTests {
    /// The synthetic fixtures were made by llama.cpp's quantizer from this generator's
    /// tiny-llama2 F16 output with seed 1; regenerate that F16 file.
    static func makeTinyLlama2F16(at path: String) throws {
        try Python.requireGGUF()
        let generator = try Fixtures.sharedTool("make_synthetic_gguf.py")
        let vocab = try Fixtures.path("tokenizer/ggml-vocab-llama-spm.gguf")
        try Python.run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                       arguments: [generator, "--preset", "tiny-llama2", "--vocab", vocab, "--out", path, "--seed", "1"])
    }

    static func floats(_ t: GGUFTensorInfo, of file: GGUFFile) throws -> [Float] {
        var out = [Float](repeating: 0, count: t.elementCount)
        try out.withUnsafeMutableBufferPointer { dst in
            try Kernels.dequantizeRow(t.type, file.data(for: t).baseAddress!, dst.baseAddress!, count: t.elementCount)
        }
        return out
    }

    static func relativeRMSE(_ a: [Float], _ reference: [Float]) -> Double {
        var error = 0.0, energy = 0.0
        for (x, y) in zip(a, reference) {
            error += Double(x - y) * Double(x - y)
            energy += Double(y) * Double(y)
        }
        return (error / energy).squareRoot()
    }

    /// Same types as llama.cpp's quantizer chose, and no more error than its encoding, per tensor.
    static let presetNames = ["Q4_0", "Q5_K_M", "Q6_K"]

    @Test(.fixtures(["tokenizer/ggml-vocab-llama-spm.gguf"] + presetNames.map { "synthetic/tiny-llama2-\($0).gguf" }),
          .sharedTools("make_synthetic_gguf.py"), .pythonWithGGUF(), arguments: presetNames)
    func asAccurateAsLlamaCpp(presetName: String) throws {
        let reference = try Fixtures.path("synthetic/tiny-llama2-\(presetName).gguf")
        let f16Path = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-llama2-f16-\(UUID()).gguf").path
        let outPath = f16Path.replacingOccurrences(of: "-f16-", with: "-\(presetName)-")
        defer {
            try? FileManager.default.removeItem(atPath: f16Path)
            try? FileManager.default.removeItem(atPath: outPath)
        }
        try Self.makeTinyLlama2F16(at: f16Path)
        let source = try GGUFFile(path: f16Path)
        let preset = try #require(QuantizationPreset(name: presetName))
        try ModelQuantizer.quantize(source, to: outPath, preset: preset, pool: ThreadPool(threadCount: 2))

        let ours = try GGUFFile(path: outPath)
        let theirs = try GGUFFile(path: reference)
        #expect(try ours.metadata.uint32("general.file_type") == theirs.metadata.uint32("general.file_type"))
        for t in source.tensors {
            let mine = try ours.tensor(named: t.name)
            let llama = try theirs.tensor(named: t.name)
            #expect(mine.type == llama.type, "\(t.name): \(mine.type) vs llama.cpp's \(llama.type)")
            guard t.shape.count == 2 else { continue }
            let original = try Self.floats(t, of: source)
            let ourError = Self.relativeRMSE(try Self.floats(mine, of: ours), original)
            let theirError = Self.relativeRMSE(try Self.floats(llama, of: theirs), original)
            #expect(ourError <= theirError * 1.05, "\(t.name) \(mine.type): relative RMSE \(ourError) vs llama.cpp \(theirError)")
        }
    }

    @Test func presetsChooseTypesByRole() {
        let q4km = QuantizationPreset.q4_K_M
        #expect(q4km.preferredType(forTensor: "blk.0.attn_norm.weight", dimensions: 1, layerCount: 32, embeddingIsHead: false) == .f32)
        #expect(q4km.preferredType(forTensor: "output.weight", dimensions: 2, layerCount: 32, embeddingIsHead: false) == .q6_K)
        #expect(q4km.preferredType(forTensor: "token_embd.weight", dimensions: 2, layerCount: 32, embeddingIsHead: true) == .q6_K)
        #expect(q4km.preferredType(forTensor: "token_embd.weight", dimensions: 2, layerCount: 32, embeddingIsHead: false) == .q4_K)
        let more = (0..<32).filter {
            q4km.preferredType(forTensor: "blk.\($0).attn_v.weight", dimensions: 2, layerCount: 32, embeddingIsHead: false) == .q6_K
        }
        #expect(more == [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31])
        #expect(q4km.preferredType(forTensor: "blk.6.ffn_down.weight", dimensions: 2, layerCount: 32, embeddingIsHead: false) == .q6_K)
        #expect(q4km.preferredType(forTensor: "blk.7.ffn_down.weight", dimensions: 2, layerCount: 32, embeddingIsHead: false) == .q4_K)
        #expect(QuantizationPreset.q8_0.preferredType(forTensor: "output.weight", dimensions: 2, layerCount: 2, embeddingIsHead: false) == .q8_0)
        #expect(QuantizationPreset(name: "q4_k") == .q4_K_M)
        #expect(QuantizationPreset(name: "Q9_9") == nil)
    }

    /// SmolLM2's rows of 576 are not whole K-quant blocks of 256: the fallback keeps bits.
    @Test func rowsThatDoNotFitFallBack() {
        #expect(QuantizationPreset.fallback(for: .q4_K, rowLength: 576) == .q5_0)
        #expect(QuantizationPreset.fallback(for: .q6_K, rowLength: 576) == .q8_0)
        #expect(QuantizationPreset.fallback(for: .q6_K, rowLength: 512) == .q6_K)
        #expect(QuantizationPreset.fallback(for: .q4_0, rowLength: 48) == .f16)
    }
}
