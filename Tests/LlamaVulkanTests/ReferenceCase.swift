import FixtureSupport

/// One prompt of a reference JSON file (Fixtures/README.md: reference outputs by llama.cpp).
struct ReferenceCase {
    let tokens: [Int]
    let greedyTokens: [Int]
    let lastLogits: [Float]
    /// The full logits row of every prompt position (stories260K only).
    let logits: [[Float]]?
    /// The ten largest logits' ids at every position of prompt + greedy tokens, largest first.
    let sequenceTop10: [[Int]]

    /// The cases of `reference/<name>.json`, or `nil` when the fixture is absent outside CI.
    static func load(_ name: String) throws -> [ReferenceCase]? {
        guard let root = try Fixtures.json("reference/\(name).json") as? [String: Any],
              let cases = root["cases"] as? [[String: Any]]
        else { return nil }
        return cases.map { item in
            ReferenceCase(
                tokens: item["tokens"] as? [Int] ?? [],
                greedyTokens: item["greedy_tokens"] as? [Int] ?? [],
                lastLogits: (item["last_logits"] as? [Double] ?? []).map(Float.init),
                logits: (item["logits"] as? [[Double]])?.map { $0.map(Float.init) },
                sequenceTop10: item["sequence_top10"] as? [[Int]] ?? []
            )
        }
    }
}

/// Index of the largest value.
func argmax(_ values: ArraySlice<Float>) -> Int {
    topIndices(values, count: 1)[0]
}

/// Indices of the `count` largest values, largest first, in one pass.
func topIndices(_ values: ArraySlice<Float>, count: Int) -> [Int] {
    var top: [Int] = []
    for index in values.indices where top.count < count || values[index] > values[top[top.count - 1]] {
        let slot = top.firstIndex { values[index] > values[$0] } ?? top.count
        top.insert(index, at: slot)
        if top.count > count { top.removeLast() }
    }
    return top.map { $0 - values.startIndex }
}
