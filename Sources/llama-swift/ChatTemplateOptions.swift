import ArgumentParser
import Foundation
import LlamaSwift

/// `--chat-template NAME` and `--chat-template-file F`: a prompt format other than the model's own.
struct ChatTemplateOptions: ParsableArguments {
    @Option(name: .customLong("chat-template"), help: "Chat with this built-in format instead of the model's template (llama2, llama3, chatml, mistral-instruct, ...).")
    var name: String?

    @Option(name: .customLong("chat-template-file"), help: "Chat with the Jinja template in this file instead of the model's.")
    var file: String?

    func validate() throws {
        if name != nil, file != nil { throw ValidationError("give --chat-template or --chat-template-file, not both") }
    }

    /// The Jinja text of `--chat-template-file`, if given.
    func fileText() throws -> String? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read --chat-template-file \(file)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The template the flags name (else the configuration's `chat_template` or
    /// `chat_template_file`), made for `model`; `nil` for the model's own.
    func template(for model: LlamaModel, configuration: LlamaConfiguration) throws -> ChatTemplate? {
        if let name { return try model.chatTemplate(named: name) }
        if let text = try fileText() { return try model.chatTemplate(jinja: text) }
        return try model.chatTemplate(configuration: configuration)
    }
}
