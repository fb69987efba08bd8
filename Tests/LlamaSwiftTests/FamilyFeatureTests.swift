import FixtureSupport
import Foundation
import GGUF
import LlamaSwift
import Testing

/// Each feature a family's fixture exercises matters: with the feature switched off in a copy of
/// the file (a key changed, a tensor dropped or reordered), the model fails the checks the
/// unchanged file passes (argmax agreement, llama.cpp's top-1 in our top 3, last-row cosine,
/// top-10 logit values).
@Suite(.serialized) struct FamilyFeatureTests {
    /// A change to a fixture that switches one feature off.
    struct Ablation: Sendable, CustomTestStringConvertible {
        let feature: String
        let family: String
        var metadata: @Sendable (inout GGUFMetadata) -> Void = { _ in }
        var drop: @Sendable (String) -> Bool = { _ in false }
        var rewrite: @Sendable (GGUFTensorInfo, [UInt8]) -> [UInt8] = { $1 }

        var testDescription: String { "\(family): \(feature)" }
        var fixture: String { "synthetic/tiny-\(family)-Q8_0.gguf" }
        var reference: String { "tiny-\(family)-Q8_0" }
    }

    static let ablations: [Ablation] = [
        Ablation(feature: "q/k/v biases", family: "qwen2", drop: { $0.hasSuffix(".bias") }),
        Ablation(feature: "per-head q/k norms", family: "qwen3", metadata: { renameArchitecture(&$0, from: "qwen3", to: "qwen2") }),
        Ablation(feature: "fused gate before up", family: "phi3", rewrite: { tensor, bytes in
            // The two halves of ffn_up swapped: up first, then the gate.
            guard tensor.name.hasSuffix("ffn_up.weight") else { return bytes }
            let half = bytes.count / 2
            return Array(bytes[half...] + bytes[..<half])
        }),
        Ablation(feature: "attention soft-cap", family: "gemma2", metadata: { $0["gemma2.attn_logit_softcapping"] = .float32(1e6) }),
        Ablation(feature: "final soft-cap", family: "gemma2", metadata: { $0["gemma2.final_logit_softcapping"] = .float32(1e6) }),
        Ablation(feature: "sliding window", family: "gemma2", metadata: { $0["gemma2.attention.sliding_window"] = .uint32(1 << 20) }),
        Ablation(feature: "sliding-window pattern", family: "gemma3", metadata: { $0["gemma3.attention.sliding_window_pattern"] = .uint32(1) }),
        Ablation(feature: "local rope base", family: "gemma3", metadata: { $0["gemma3.rope.freq_base_swa"] = .float32(1e6) }),
        Ablation(feature: "global linear rope scaling", family: "gemma3", metadata: { $0["gemma3.rope.scaling.type"] = nil }),
    ]

    static func renameArchitecture(_ metadata: inout GGUFMetadata, from old: String, to new: String) {
        for (key, value) in metadata.entries where key.hasPrefix(old + ".") {
            metadata[key] = nil
            metadata[new + String(key.dropFirst(old.count))] = value
        }
        metadata["general.architecture"] = .string(new)
    }

    static var files: [String] { ablations.flatMap { [$0.fixture, "reference/\($0.reference).json"] } }

    @Test(.fixtures(files), arguments: ablations)
    func switchingTheFeatureOffFails(ablation: Ablation) async throws {
        let reference = try ReferenceOutputs.load(ablation.reference)
        let source = try Fixtures.path(ablation.fixture)
        let intact = try await Self.measure(Self.write(source, Ablation(feature: "none", family: ablation.family)), reference)
        let ablated = try await Self.measure(Self.write(source, ablation), reference)
        #expect(intact.passes, "\(ablation.family) intact: \(intact)")
        #expect(!ablated.passes, "\(ablation.testDescription) off still passes: \(ablated)")
    }

    /// How a model's teacher-forced logits compare with llama.cpp's over every reference case.
    struct Agreement: CustomStringConvertible {
        var agreeing = 0, positions = 0, top3Misses = 0
        var lowestCosine = 1.0
        var largestTop10Difference: Float = 0

        var passes: Bool {
            Double(agreeing) >= 0.9 * Double(positions) && top3Misses == 0 && lowestCosine >= 0.998
                && largestTop10Difference <= 0.25
        }

        var description: String {
            "argmax \(agreeing)/\(positions), top-3 misses \(top3Misses), cosine \(lowestCosine), top-10 Δ \(largestTop10Difference)"
        }
    }

    static func measure(_ path: String, _ reference: ReferenceOutputs) async throws -> Agreement {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try LlamaModel(path: path, threads: 2, computeBackend: .cpu)
        var result = Agreement()
        for c in reference.cases {
            let session = try model.makeSession(contextSize: 256)
            let rows = try await session.logits(for: c.tokens + c.greedyTokens)
            for (position, (row, top10)) in zip(rows, c.sequenceTop10).enumerated() {
                let ours = argmax(row), nearTie = row[ours] - row[top10[0]] <= 0.05
                result.positions += 1
                if ours == top10[0] || nearTie { result.agreeing += 1 }
                if !topIndices(row, 3).contains(top10[0]) && !nearTie { result.top3Misses += 1 }
                if let values = c.sequenceTop10Logits?[position] {
                    for (id, value) in zip(top10, values) {
                        result.largestTop10Difference = max(result.largestTop10Difference, abs(row[id] - value))
                    }
                }
            }
            result.lowestCosine = min(result.lowestCosine, cosine(rows[c.tokens.count - 1], c.lastLogits))
        }
        return result
    }

    /// A copy of `source` with `ablation` applied, in the temporary directory.
    static func write(_ source: String, _ ablation: Ablation) throws -> String {
        let file = try GGUFFile(path: source)
        var metadata = file.metadata
        ablation.metadata(&metadata)
        var writer = GGUFWriter(metadata: metadata)
        for tensor in file.tensors where !ablation.drop(tensor.name) {
            let bytes = ablation.rewrite(tensor, Array(file.data(for: tensor)))
            try writer.addTensor(name: tensor.name, type: tensor.type, shape: tensor.shape, bytes: bytes)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-ablation-\(UUID().uuidString).gguf").path
        try writer.write(to: path)
        return path
    }
}
