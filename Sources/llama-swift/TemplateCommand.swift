import ArgumentParser
import Foundation
import GGUF
import Jinja
import LlamaTokenizer

/// `llama-swift template`: renders a chat template for an OpenAI `messages` array and prints
/// the prompt exactly as rendered, for tools and scripts. Only the model's metadata and
/// tokenizer are read, never its weights.
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Print the prompt a chat template renders for a conversation (nothing added).",
        discussion: """
            The template is the model's own (-m), a built-in format (--chat-template NAME) or a \
            Jinja file (--chat-template-file F); with -m and one of the others, the model gives \
            bos_token and eos_token. A template that raises prints its message and exits 1.
            """
    )

    @Option(name: [.customShort("m"), .customLong("model")], help: "GGUF file whose template and BOS/EOS texts to use (a vocab-only file is enough).")
    var model: String?

    @OptionGroup var chatTemplate: ChatTemplateOptions

    @Option(name: .customLong("messages"), help: "JSON file with an OpenAI messages array.")
    var messages: String

    @Option(name: .customLong("tools"), help: "JSON file with an OpenAI tools array, passed as `tools`.")
    var tools: String?

    @Flag(name: .customLong("no-generation-prompt"), help: "Render with add_generation_prompt false.")
    var noGenerationPrompt = false

    @Option(name: .customLong("bos"), help: "The bos_token text (default: the model's, else <s> for a built-in, else empty).")
    var bos: String?

    @Option(name: .customLong("eos"), help: "The eos_token text (default: the model's, else </s> for a built-in, else empty).")
    var eos: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("A further template variable, its value as JSON (repeatable).", valueName: "KEY=JSON"))
    var variables: [String] = []

    func validate() throws {
        guard model != nil || chatTemplate.name != nil || chatTemplate.file != nil else {
            throw ValidationError("give -m/--model, --chat-template or --chat-template-file")
        }
    }

    func run() async throws {
        let template = try makeTemplate()
        var context: [String: Value] = [:]
        for assignment in variables {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--var takes KEY=JSON, not '\(assignment)'")
            }
            let key = String(assignment[..<equals])
            context[key] = try json(String(assignment[assignment.index(after: equals)...]), what: "--var \(key)")
        }
        if let tools { context["tools"] = try json(try read(tools, flag: "--tools"), what: "--tools \(tools)") }
        let conversation = try json(try read(messages, flag: "--messages"), what: "--messages \(messages)")
        guard case .array = conversation else { throw CommandFailure("--messages \(messages): expected a JSON array of messages") }
        let prompt: String
        do {
            prompt = try template.render(messages: conversation, addGenerationPrompt: !noGenerationPrompt, variables: context)
        } catch {
            standardError("\(error)\n")
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data(prompt.utf8))
    }

    /// The template the flags choose. Renders keep a BOS the template writes: this prints what
    /// the template renders, not what is tokenized.
    private func makeTemplate() throws -> ChatTemplate {
        var bosText = bos, eosText = eos
        var own: String?
        if let model {
            let metadata: GGUFMetadata
            let tokenizer: LlamaTokenizer
            do {
                metadata = try GGUFFile(path: model).metadata
                tokenizer = try LlamaTokenizer(metadata: metadata)
            } catch {
                throw CommandFailure("\(model): \(error)")
            }
            bosText = bosText ?? tokenizer.bosTokenID.flatMap { tokenizer.text(of: $0) } ?? ""
            eosText = eosText ?? tokenizer.eosTokenID.flatMap { tokenizer.text(of: $0) } ?? ""
            if chatTemplate.name == nil, chatTemplate.file == nil {
                do {
                    guard let found = try ChatTemplate.modelTemplate(metadata: metadata, tokenizer: tokenizer) else {
                        throw CommandFailure("\(model) has no chat template; give --chat-template or --chat-template-file")
                    }
                    own = found.source
                } catch let error as ChatTemplateError {
                    throw CommandFailure("\(model): \(error.description)")
                }
            }
        }
        do {
            if let name = chatTemplate.name {
                return try ChatTemplate(named: name, bosToken: bosText ?? "<s>", eosToken: eosText ?? "</s>", dropsLeadingBOS: false)
            }
            let source = try own ?? chatTemplate.fileText() ?? ""
            return try ChatTemplate(jinja: source, bosToken: bosText ?? "", eosToken: eosText ?? "", dropsLeadingBOS: false)
        } catch let error as ChatTemplateError {
            throw CommandFailure(error.description)
        }
    }

    private func read(_ path: String, flag: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(flag) \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    private func json(_ text: String, what: String) throws -> Value {
        do { return try Value(json: text) } catch { throw CommandFailure("\(what): not valid JSON: \(error)") }
    }
}
