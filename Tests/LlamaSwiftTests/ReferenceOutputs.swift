import FixtureSupport
import Foundation

/// llama.cpp's outputs for one model, from `reference/<model>.json` in the fixtures.
struct ReferenceOutputs: Decodable {
    struct Case: Decodable {
        let prompt: String
        /// The prompt's tokens, BOS included where the model adds it.
        let tokens: [Int]
        /// The full logits row of the last prompt position.
        let lastLogits: [Float]
        /// Every prompt position's full logits row (stories260K only).
        let logits: [[Float]]?
        /// Argmax decoding after the prompt.
        let greedyTokens: [Int]
        let greedyText: String
        /// The ids of the 10 largest logits at every position of `tokens + greedyTokens`.
        let sequenceTop10: [[Int]]
        /// The values of those logits (the newer references only).
        let sequenceTop10Logits: [[Float]]?

        enum CodingKeys: String, CodingKey {
            case prompt, tokens, logits
            case lastLogits = "last_logits"
            case greedyTokens = "greedy_tokens"
            case greedyText = "greedy_text"
            case sequenceTop10 = "sequence_top10"
            case sequenceTop10Logits = "sequence_top10_logits"
        }
    }

    let cases: [Case]
    /// Whether the prompts were tokenized with special-token text read as special tokens.
    let parseSpecial: Bool

    enum CodingKeys: String, CodingKey {
        case cases
        case parseSpecial = "parse_special"
    }

    /// The reference for `name` (e.g. `"stories260K"`), from `reference/<name>.json`, which the
    /// test's `.fixtures(...)` trait names.
    static func load(_ name: String) throws -> ReferenceOutputs {
        let path = try Fixtures.path("reference/\(name).json")
        return try JSONDecoder().decode(ReferenceOutputs.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Index of the largest value (the first one on ties).
func argmax(_ row: [Float]) -> Int {
    var best = 0
    for i in row.indices where row[i] > row[best] { best = i }
    return best
}

/// Indices of the `k` largest values, largest first.
func topIndices(_ row: [Float], _ k: Int) -> [Int] {
    Array(row.indices.sorted { row[$0] > row[$1] }.prefix(k))
}

/// Cosine similarity of two equally long vectors.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices {
        dot += Double(a[i]) * Double(b[i])
        na += Double(a[i]) * Double(a[i])
        nb += Double(b[i]) * Double(b[i])
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
