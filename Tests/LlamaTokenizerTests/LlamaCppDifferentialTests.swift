import Foundation
import GGUF
import Testing
@testable import LlamaTokenizer

/// Compares with llama.cpp on cases that `Benchmarks/tokenizer-llama-cpp-cases.py` had llama.cpp
/// produce: ids of awkward and random strings, every token's piece, the end-of-generation set.
/// Runs when `LLAMA_CPP_TOKENIZER_CASES` names the cases file (it needs llama.cpp's bindings
/// to make), and says so when it does not.
@Suite struct LlamaCppDifferentialTests {
    static let casesPath = ProcessInfo.processInfo.environment["LLAMA_CPP_TOKENIZER_CASES"]

    @Test(.enabled(if: casesPath != nil, "set LLAMA_CPP_TOKENIZER_CASES (see Benchmarks/tokenizer-llama-cpp-cases.py)"))
    func encodingPiecesAndEndOfGenerationMatchLlamaCpp() throws {
        let casesPath = try #require(Self.casesPath)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: casesPath))) as? [String: Any])
        #expect(!root.isEmpty)
        for (path, value) in root.sorted(by: { $0.key < $1.key }) {
            let entry = try #require(value as? [String: Any])
            let tokenizer = try LlamaTokenizer(metadata: GGUFFile(path: path).metadata)
            var mismatches = 0
            for item in try #require(entry["cases"] as? [[String: Any]]) {
                let text = try #require(item["text"] as? String)
                let parseSpecial = try #require(item["parse_special"] as? Bool)
                let expected = try #require(item["ids"] as? [Int])
                if tokenizer.encode(text, parseSpecial: parseSpecial) != expected {
                    mismatches += 1
                    if mismatches <= 5 { Issue.record("\(path): \(text.prefix(80).debugDescription) parseSpecial \(parseSpecial)") }
                }
            }
            let pieces = try #require(entry["pieces"] as? [String: [String]])
            for renderSpecial in [false, true] {
                for (token, encoded) in try #require(pieces[String(renderSpecial)]).enumerated() {
                    let expected = try #require(Data(base64Encoded: encoded))
                    // Where a byte-level token's text has a character outside GPT-2's byte
                    // alphabet (Command-R's `\u{200D}`...), llama.cpp writes `[UNK_BYTE_0x…]`;
                    // LlamaTokenizer renders the character itself, on purpose.
                    if expected.starts(with: Array("[UNK_BYTE_0x".utf8)) { continue }
                    if tokenizer.piece(for: token, renderSpecial: renderSpecial) != [UInt8](expected) {
                        mismatches += 1
                        if mismatches <= 5 { Issue.record("\(path): piece of \(token), renderSpecial \(renderSpecial)") }
                    }
                }
            }
            let endOfGeneration = try #require(entry["end_of_generation"] as? [Int])
            #expect(tokenizer.endOfGenerationTokenIDs == Set(endOfGeneration), "\(path)")
            #expect(mismatches == 0, "\(path)")
        }
    }
}
