import ArgumentParser
import Foundation
import GGUF
import LlamaTokenizer

/// `llama-swift tokenize`: the tokens of a text, read from the model's tokenizer metadata alone
/// (a vocab-only GGUF works).
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids and pieces of a text."
    )

    @Option(name: [.customShort("m"), .customLong("model")], help: "GGUF file with tokenizer metadata (a vocab-only file is enough).")
    var model: String

    @Option(name: [.customShort("p"), .customLong("prompt")], help: "Text to tokenize.")
    var prompt: String?

    @Option(name: [.customShort("f"), .customLong("file")], help: "File whose text to tokenize.")
    var file: String?

    @Flag(name: .customLong("parse-special"), help: "Read special-token text such as <|begin_of_text|> as those tokens.")
    var parseSpecial = false

    @Flag(name: .customLong("no-bos"), help: "Do not add the BOS (or EOS) token the model asks for.")
    var noBOS = false

    @Flag(help: "Print exactly one JSON array of ids.")
    var json = false

    func validate() throws {
        guard (prompt == nil) != (file == nil) else {
            throw ValidationError("give exactly one of -p/--prompt and -f/--file")
        }
    }

    func run() async throws {
        let text: String
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CommandFailure("cannot read --file \(file)")
            }
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = prompt ?? ""
        }
        let tokenizer: LlamaTokenizer
        do {
            tokenizer = try LlamaTokenizer(metadata: GGUFFile(path: model).metadata)
        } catch {
            throw CommandFailure("\(model): \(error)")
        }
        let ids = tokenizer.encode(text, addSpecial: !noBOS, parseSpecial: parseSpecial)
        if json {
            print("[" + ids.map(String.init).joined(separator: ",") + "]")
            return
        }
        for id in ids {
            let piece = String(decoding: tokenizer.piece(for: id, renderSpecial: true), as: UTF8.self)
            print(String(format: "%6d", id) + " -> '\(piece)'")
        }
    }
}
