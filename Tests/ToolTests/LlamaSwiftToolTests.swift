import FixtureSupport
import Foundation
import GGUF
import Testing

/// `llama-swift tokenize` and `quantize`, driven as a user would.
@Suite struct LlamaSwiftToolTests {
    /// `--json` prints one array of ids: the reference prompt tokens of every synthetic model.
    static let tokenizedModels = ["tiny-llama2-Q4_0", "tiny-llama3-Q4_0"]

    @Test(.fixtures(tokenizedModels.flatMap { ["synthetic/\($0).gguf", "reference/\($0).json"] }))
    func tokenizeJSONMatchesReferences() throws {
        for name in Self.tokenizedModels {
            let model = try Fixtures.path("synthetic/\(name).gguf")
            let reference = try #require(try Fixtures.jsonObject("reference/\(name).json") as? [String: Any])
            let prompts = try #require(reference["cases"] as? [[String: Any]])
            #expect(!prompts.isEmpty)
            for prompt in prompts {
                let text = try #require(prompt["prompt"] as? String)
                let expected = try #require(prompt["tokens"] as? [Int])
                var arguments = ["tokenize", "-m", model, "-p", text, "--json"]
                if reference["parse_special"] as? Bool == true { arguments.append("--parse-special") }
                let result = try Tool.run("llama-swift", arguments)
                #expect(result.status == 0, "\(result.stderr)")
                let ids = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Int]
                #expect(ids == expected, "\(name): \(text)")
            }
        }
    }

    /// `eval --top 10 --json` on every family's fixture: the reference prompt's tokens, ten
    /// ranked logits per position, and llama.cpp's top-1 among our first three at every position
    /// (or within 0.05 of our top logit: random weights make near-ties).
    static let families = ["llama2", "qwen2", "qwen3", "phi3", "gemma2", "gemma3", "mistral"]

    @Test(.fixtures(families.flatMap { ["synthetic/tiny-\($0)-Q8_0.gguf", "reference/tiny-\($0)-Q8_0.json"] }
        .map { $0.replacingOccurrences(of: "llama2-Q8_0", with: "llama2-Q4_0") }), arguments: families)
    func evalJSONWorksForEveryFamily(family: String) throws {
        let name = family == "llama2" ? "tiny-llama2-Q4_0" : "tiny-\(family)-Q8_0"
        let reference = try #require(try Fixtures.jsonObject("reference/\(name).json") as? [String: Any])
        let first = try #require((reference["cases"] as? [[String: Any]])?.first)
        let text = try #require(first["prompt"] as? String), expected = try #require(first["tokens"] as? [Int])
        let top10 = try #require(first["top10_per_position"] as? [[Int]])
        let result = try Tool.run("llama-swift", ["eval", "-m", try Fixtures.path("synthetic/\(name).gguf"), "-p", text, "--top", "10", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["tokens"] as? [Int] == expected, "\(name)")
        let ranked = try #require(object["top"] as? [[[Double]]])
        #expect(ranked.count == expected.count && ranked.allSatisfy { $0.count == 10 })
        for (position, (ours, theirs)) in zip(ranked, top10).enumerated() {
            let nearTie = ours.first { Int($0[0]) == theirs[0] }.map { ours[0][1] - $0[1] <= 0.05 } ?? false
            #expect(ours.prefix(3).map { Int($0[0]) }.contains(theirs[0]) || nearTie, "\(name) position \(position)")
        }
    }

    /// A vocab-only file of another family (Qwen2's, which adds no BOS): a few of llama.cpp's
    /// test vectors, one process each (mixed scripts and digits, whitespace and line breaks).
    @Test(.fixtures(["tokenizer/ggml-vocab-qwen2.gguf", "tokenizer/ggml-vocab-qwen2.gguf.inp", "tokenizer/ggml-vocab-qwen2.gguf.out"]))
    func tokenizeJSONMatchesQwen2Vectors() throws {
        let vocab = try Fixtures.path("tokenizer/ggml-vocab-qwen2.gguf")
        let inputs = try String(contentsOfFile: vocab + ".inp", encoding: .utf8).components(separatedBy: "\n__ggml_vocab_test__\n")
        let outputs = try String(contentsOfFile: vocab + ".out", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for index in [11, 32, 45] {
            let result = try Tool.run("llama-swift", ["tokenize", "-m", vocab, "-p", inputs[index], "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let ids = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Int]
            #expect(ids == outputs[index].split(separator: " ").compactMap { Int($0) }, "\(inputs[index].debugDescription)")
        }
    }

    @Test(.fixtures("tokenizer/ggml-vocab-llama-spm.gguf")) func tokenizeListsPiecesAndHonoursNoBOS() throws {
        let vocab = try Fixtures.path("tokenizer/ggml-vocab-llama-spm.gguf")
        let plain = try Tool.run("llama-swift", ["tokenize", "-m", vocab, "-p", "Hello world", "--json"])
        let noBOS = try Tool.run("llama-swift", ["tokenize", "-m", vocab, "-p", "Hello world", "--json", "--no-bos"])
        let withBOS = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [Int])
        let without = try #require(try JSONSerialization.jsonObject(with: Data(noBOS.stdout.utf8)) as? [Int])
        #expect(withBOS == [1] + without)
        let listing = try Tool.run("llama-swift", ["tokenize", "-m", vocab, "-p", "Hello world"])
        #expect(listing.status == 0)
        #expect(listing.stdout.split(separator: "\n").count == withBOS.count)
        #expect(listing.stdout.contains("-> '▁Hello'") || listing.stdout.contains("-> ' Hello'"))
        let missing = try Tool.run("llama-swift", ["tokenize", "-m", "/nonexistent.gguf", "-p", "x"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent.gguf"))
    }

    /// stories260K's rows of 64 are not whole K-quant blocks: the mix falls back and says so.
    @Test(.fixtures("stories260K.gguf")) func quantizeKeepsMetadataAndReportsFallbacks() throws {
        let stories = try Fixtures.path("stories260K.gguf")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("stories-\(UUID()).gguf").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try Tool.run("llama-swift", ["quantize", stories, out, "Q4_K_M", "-t", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("blk.0.attn_q.weight: F32 -> Q5_0 (rows of 64 do not fit Q4_K blocks: used Q5_0)"))
        #expect(result.stdout.contains("output.weight: F32 -> Q8_0"))
        #expect(result.stdout.contains("blk.0.attn_norm.weight: F32 -> F32"))
        let original = try GGUFFile(path: stories)
        let quantized = try GGUFFile(path: out)
        for key in original.metadata.keys {
            #expect(quantized.metadata[key] == original.metadata[key], "\(key)")
        }
        #expect(try quantized.metadata.uint32("general.file_type") == 15)
        #expect(try quantized.tensor(named: "blk.0.attn_q.weight").type == .q5_0)

        let bad = try Tool.run("llama-swift", ["quantize", stories, out, "Q9_X"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown type 'Q9_X'"))
    }
}
