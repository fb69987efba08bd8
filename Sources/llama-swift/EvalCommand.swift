import ArgumentParser
import Foundation
import LlamaSwift

/// `llama-swift eval`: the highest-ranked logits at every position of a prompt, for comparing
/// against other implementations.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the top logits after every position of a prompt or token list."
    )

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: [.customShort("p"), .long], help: "Text to evaluate (BOS added when the model asks for it).")
    var prompt: String?

    @Option(name: .long, help: "Comma-separated token ids, evaluated as given.")
    var tokens: String?

    @Flag(name: .customLong("parse-special"), help: "Read special-token text such as <|im_start|> in the prompt as special tokens.")
    var parseSpecial = false

    @Option(name: .long, parsing: .unconditional, help: "How many of the largest logits to list per position.")
    var top: Int = 10

    @Flag(name: .long, help: "Only list the last position.")
    var last = false

    @Flag(name: .long, help: "Print one JSON object: {\"tokens\": [...], \"top\": [[[id, logit], ...], ...]}.")
    var json = false

    func run() async throws {
        guard top > 0 else { throw LlamaError.invalidParameter(name: "--top", value: "\(top)", reason: "must be positive") }
        let loaded = try await modelOptions.load(try modelOptions.configuration())
        let (model, session) = (loaded.model, loaded.session)
        let ids: [Int]
        switch (prompt, tokens) {
        case (let text?, nil): ids = model.tokenize(text, addSpecial: true, parseSpecial: parseSpecial)
        case (nil, let list?): ids = try parseTokenList(list)
        default: throw ValidationError("give exactly one of -p/--prompt and --tokens")
        }
        let rows = try await session.logits(for: ids, lastOnly: last)
        let ranked = rows.map { topLogits($0, count: top) }
        if json {
            print(jsonObject(tokens: ids, top: ranked))
        } else {
            let firstPosition = ids.count - ranked.count
            for (offset, pairs) in ranked.enumerated() {
                let position = firstPosition + offset
                let list = pairs.map { "\($0.id):\($0.logit)" }.joined(separator: " ")
                print("\(position)\t\(ids[position])\t\(list)")
            }
        }
    }

    private func parseTokenList(_ list: String) throws -> [Int] {
        try list.split(separator: ",").map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let id = Int(trimmed) else {
                throw LlamaError.invalidParameter(name: "--tokens", value: "'\(trimmed)'", reason: "not a token id")
            }
            return id
        }
    }

    private func topLogits(_ row: [Float], count: Int) -> [(id: Int, logit: Float)] {
        let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
        return order.prefix(count).map { ($0, row[$0]) }
    }

    private func jsonObject(tokens: [Int], top: [[(id: Int, logit: Float)]]) -> String {
        let positions = top.map { pairs in
            "[" + pairs.map { "[\($0.id), \(jsonNumber($0.logit))]" }.joined(separator: ", ") + "]"
        }
        return "{\"tokens\": [\(tokens.map(String.init).joined(separator: ", "))], \"top\": [\(positions.joined(separator: ", "))]}"
    }

    private func jsonNumber(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
