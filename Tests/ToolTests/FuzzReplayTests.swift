import FixtureSupport
import Foundation
import Testing

/// Every seed of the fuzz corpus and every saved crash runs through its target without a trap.
@Suite struct FuzzReplayTests {
    static let targets = ["gguf", "tokenizer", "state", "request", "jinja", "grammar", "schema"]

    /// The files of `folder` (relative to the package root), none when it does not exist.
    static func files(in folder: String) -> [String] {
        let path = Fixtures.packageRoot.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.map { path + "/" + $0 }
    }

    @Test(.fixtures("stories260K.gguf"), arguments: targets)
    func corpusAndRegressionsReplayCleanly(target: String) throws {
        let seeds = Self.files(in: "Fuzzing/Corpus/\(target)")
        #expect(!seeds.isEmpty, "no seeds in Fuzzing/Corpus/\(target)")
        let inputs = seeds + Self.files(in: "Tests/FuzzRegressions/\(target)")
        let result = try Tool.run(
            program: Tool.productsDirectory.appendingPathComponent("llama-swift-fuzz"), ["replay", target] + inputs,
            environment: ["LLAMA_SWIFT_FUZZ_MODEL": try Fixtures.path("stories260K.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(target): \(inputs.count) inputs ran"), "\(result.stdout)")
        // The seeds are valid inputs: each one reaches past the target's first check.
        let summary = result.stdout.split(separator: "\n").last ?? ""
        let accepted = summary.split(separator: " ").dropLast().last.flatMap { Int($0) } ?? -1
        #expect(accepted >= seeds.count, "only \(accepted) of \(seeds.count) seeds accepted: \(result.stdout)")
    }

    @Test func unknownTargetIsAnError() throws {
        let result = try Tool.run(program: Tool.productsDirectory.appendingPathComponent("llama-swift-fuzz"), ["replay", "nope", "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("nope"), "\(result.stderr)")
    }
}
