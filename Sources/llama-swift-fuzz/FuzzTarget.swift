import Foundation
import GGUF
import Jinja
import LlamaGrammar
import LlamaServer
import LlamaSwift
import LlamaTokenizer

/// What the fuzzer feeds bytes to: each parser of input from strangers, driven as the engine
/// drives it. An input may be refused with an error; any trap is a bug.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// A GGUF file from bytes: header, metadata, tensor table, and every tensor's data range.
    case gguf
    /// A tokenizer built from a GGUF file's metadata, then a text encoded and ids decoded.
    /// Input: a 2-byte little-endian text length, the text, then the GGUF bytes.
    case tokenizer
    /// A session state restored into a session of the model `LLAMA_SWIFT_FUZZ_MODEL` names.
    case state
    /// An OpenAI request body through the server's decoding and checks. Input: one byte (bit 0
    /// the endpoint, the rest the tool-call format), then the body.
    case request
    /// A Jinja chat template parsed and rendered. Input: the template, a zero byte, then the
    /// messages as JSON (or, when that is not JSON, one user message's text).
    case jinja
    /// A GBNF grammar compiled, then its first line's text fed to a matcher. Input: the grammar.
    case grammar
    /// A JSON Schema converted to a grammar, compiled and matched against a sample. Input: the schema.
    case schema

    /// Feeds `bytes` to the target; `true` when the input was accepted (parsed, built, restored)
    /// rather than refused with an error.
    @discardableResult
    func run(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .gguf: Self.gguf(bytes)
        case .tokenizer: Self.tokenizer(bytes)
        case .state: Self.state(bytes)
        case .request: Self.request(bytes)
        case .jinja: Self.jinja(bytes)
        case .grammar: Self.grammar(bytes)
        case .schema: Self.schema(bytes)
        }
    }

    private static func gguf(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let file = try? GGUFFile(bytes: bytes) else { return false }
        for tensor in file.tensors {
            // A file that opens is consistent: every tensor's data lies inside it.
            precondition(tensor.offset >= file.dataOffset && tensor.offset + tensor.byteCount <= file.fileSize)
            precondition(file.data(for: tensor).count == tensor.byteCount)
        }
        for (key, value) in file.metadata.entries { _ = "\(key)=\(value)" }
        return true
    }

    private static func tokenizer(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 2 else { return false }
        let length = min(Int(bytes[0]) | Int(bytes[1]) << 8, bytes.count - 2)
        let text = String(decoding: bytes[2..<(2 + length)], as: UTF8.self)
        guard let file = try? GGUFFile(bytes: bytes[(2 + length)...]),
              let tokenizer = try? LlamaTokenizer(metadata: file.metadata) else { return false }
        for parseSpecial in [false, true] {
            let ids = tokenizer.encode(text, addSpecial: true, parseSpecial: parseSpecial)
            precondition(ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) })
            _ = tokenizer.decode(ids)
            _ = tokenizer.decode(ids, renderSpecial: true)
        }
        // Ids from the text's bytes, in and out of the vocabulary.
        _ = tokenizer.decode(text.utf8.map { Int($0) * 37 - 100 }, renderSpecial: true)
        return true
    }

    private static func state(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let session = StateSession.shared
        let data = Data(bytes)
        return (try? blocking { try await session.restoreState(data: data) }) != nil
    }

    private static func request(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first else { return false }
        let endpoint: RequestBodyCheck.Endpoint = first & 1 == 0 ? .completions : .chatCompletions
        let formats = ToolCallFormat.allCases
        let format = formats[Int(first >> 1) % formats.count]
        return (try? RequestBodyCheck.check(Data(bytes.dropFirst()), endpoint: endpoint, toolCallFormat: format)) != nil
    }

    private static func jinja(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let split = bytes.firstIndex(of: 0) ?? bytes.count
        let source = String(decoding: bytes[..<split], as: UTF8.self)
        let rest = split < bytes.count ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : ""
        guard let template = try? ChatTemplate(jinja: source, bosToken: "<s>", eosToken: "</s>") else { return false }
        if let messages = try? Value(json: rest) {
            return (try? template.render(messages: messages, addGenerationPrompt: true, variables: [:])) != nil
        } else {
            let messages = [
                ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: rest),
                ChatMessage(role: .assistant, content: "Yes."), ChatMessage(role: .user, content: "Why?"),
            ]
            return (try? template.render(messages, addGenerationPrompt: true, variables: [:])) != nil
        }
    }

    private static func grammar(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard var matcher = try? GrammarMatcher(gbnf: text) else { return false }
        let sample = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        _ = try? matcher.accept(sample)
        _ = matcher.isComplete
        return true
    }

    private static func schema(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard var matcher = try? GrammarMatcher(jsonSchema: text) else { return false }
        for sample in [#"{"a": 1, "b": [true, null, "x"]}"#, "[]", "\"text\"", "12.5e3"] {
            var attempt = matcher
            _ = try? attempt.accept(sample)
            _ = attempt.isComplete
        }
        _ = try? matcher.accept(text)
        return true
    }
}

/// One session of the state target's model, made on first use.
enum StateSession {
    static let shared: LlamaSession = {
        guard let path = ProcessInfo.processInfo.environment["LLAMA_SWIFT_FUZZ_MODEL"] else {
            fatalError("the state target needs LLAMA_SWIFT_FUZZ_MODEL, a model file (Scripts/fuzz.sh sets stories260K)")
        }
        do {
            let model = try LlamaModel(path: path)
            return try model.makeSession(contextSize: 256)
        } catch {
            fatalError("cannot load \(path) for the state target: \(error)")
        }
    }()
}

/// Runs `work` to its end from synchronous code and returns its result.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Carries a result out of a task into the thread that waits for it.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
