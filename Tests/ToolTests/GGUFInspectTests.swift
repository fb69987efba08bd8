import FixtureSupport
import Foundation
import GGUF
import Testing

@Suite struct GGUFInspectTests {
    static let files = ["stories260K.gguf", "synthetic/tiny-llama3-Q4_0.gguf",
                        "synthetic/tiny-llama2-Q5_K_M.gguf", "tokenizer/ggml-vocab-llama-bpe.gguf"]

    @Test(.fixtures("stories260K.gguf")) func textSummaryOfStories() throws {
        let path = try Fixtures.path("stories260K.gguf")
        let result = try Tool.run("gguf-inspect", [path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("- kv ") }.count == 19)
        #expect(lines.filter { $0.hasPrefix("- tensor ") }.count == 48)
        #expect(result.stdout.contains("metadata: 19 key/value pairs"))
        #expect(result.stdout.contains("tensors: 48"))
        #expect(result.stdout.contains("arr[str,512]"))
        #expect(result.stdout.contains("- type F32    : 48 tensors"))
    }

    @Test(.fixtures("stories260K.gguf")) func flagsFilter() throws {
        let path = try Fixtures.path("stories260K.gguf")
        let result = try Tool.run("gguf-inspect", [path, "--no-tensors", "--key", "llama."])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("- kv ") }.count == 8)
        #expect(!lines.contains { $0.hasPrefix("- tensor ") })
    }

    /// The JSON output parses and holds the same facts as the reader (and so as gguf-py).
    @Test(.fixtures(files)) func jsonHoldsEveryFact() throws {
        for name in Self.files {
            let path = try Fixtures.path(name)
            let result = try Tool.run("gguf-inspect", [path, "--json"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let file = try GGUFFile(path: path)
            #expect(json["version"] as? Int == Int(file.version))
            #expect(json["alignment"] as? Int == file.alignment)
            #expect(json["data_offset"] as? Int == file.dataOffset)
            let metadata = try #require(json["metadata"] as? [[String: Any]])
            #expect(metadata.map { $0["key"] as? String } == file.metadata.keys)
            for entry in metadata {
                let value = try file.metadata.value(entry["key"] as! String)
                #expect(entry["type"] as? String == value.type.name)
                if case .array(let array) = value {
                    let spec = try #require(entry["value"] as? [String: Any])
                    #expect(spec["length"] as? Int == array.count)
                    #expect(spec["array_of"] as? String == array.elementType.name)
                    #expect((spec["values"] as? [Any])?.count == array.count)
                    if case .string(let strings) = array {
                        let parsed = try #require(spec["values"] as? [String])
                        #expect(parsed.count == strings.count)
                        // Foundation's JSON parser on Linux drops U+FEFF inside strings (LLaMA 2's vocabulary
                        // has it as a token), so compare without it and check the raw output carries it.
                        let scalars = { (s: String) in s.unicodeScalars.filter { $0 != "\u{FEFF}" }.map(\.value) }
                        let difference = strings.indices.first { scalars(parsed[$0]) != scalars(strings[$0]) }
                        #expect(difference == nil, "\(name): string \(difference ?? -1) differs")
                        if strings.contains(where: { $0.unicodeScalars.contains("\u{FEFF}") }) {
                            #expect(result.stdout.contains("\u{FEFF}"))
                        }
                    }
                }
            }
            let tensors = try #require(json["tensors"] as? [[String: Any]])
            #expect(tensors.count == file.tensors.count)
            for (entry, t) in zip(tensors, file.tensors) {
                #expect(entry["name"] as? String == t.name)
                #expect(entry["type"] as? String == t.type.name)
                #expect(entry["shape"] as? [Int] == t.shape)
                #expect(entry["offset"] as? Int == t.offset)
                #expect(entry["n_bytes"] as? Int == t.byteCount)
            }
        }
    }

    @Test func errorsGoToStderrWithNonZeroExit() throws {
        let missing = try Tool.run("gguf-inspect", ["/nonexistent/model.gguf"])
        #expect(missing.status != 0)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("/nonexistent/model.gguf"))
        let notGGUF = try Tool.run("gguf-inspect", [Fixtures.packageRoot.appendingPathComponent("Package.swift").path])
        #expect(notGGUF.status != 0)
        #expect(notGGUF.stderr.contains("bad magic"))
    }
}
