import Foundation
import LlamaGrammar

/// One JSON object that configures everything that runs a model: the C API,
/// `llama-swift --config FILE` and `llama-swift serve --config FILE`.
///
/// Keys are flat and snake_case; each belongs to a ``Section``:
///
/// | section | keys |
/// |---|---|
/// | model | `model`, `hf_repo`, `hf_file`, `offline`, `backend`, `device`, `threads` |
/// | session | `context_size`, `batch_size`, `cache_type_k`, `cache_type_v`, `chat_template`, `chat_template_file` |
/// | sampling | `temperature`, `top_k`, `top_p`, `min_p`, `repeat_penalty`, `repeat_last_n`, `frequency_penalty`, `presence_penalty`, `seed`, `max_tokens`, `stop`, `grammar`, `json_schema` |
/// | server | `host`, `port`, `parallel`, `queue_size`, `alias` |
///
/// Every consumer accepts the whole object and uses the keys that apply to it, so one file serves
/// them all. An unknown key, a value of the wrong type or out of range is an error naming the key
/// (``LlamaError/invalidConfiguration(source:key:reason:)``).
public struct LlamaConfiguration: Sendable, Equatable {
    /// The groups of keys, by what they configure.
    public enum Section: String, Sendable, CaseIterable {
        /// Which model and how it is loaded.
        case model
        /// A session's cache and prompt format.
        case session
        /// How text is generated.
        case sampling
        /// Where `serve` listens and how much it takes on.
        case server
    }

    /// The validated values by key.
    private var values: [String: JSONValue]

    /// An empty configuration: every setting at its default.
    public init() { values = [:] }

    /// Reads a configuration from JSON text.
    ///
    /// - Parameters:
    ///   - json: A JSON object.
    ///   - source: What the text is, for error messages (a file path, "parameters").
    ///   - sections: The sections the text may set; a key of another section is an error.
    /// - Throws: ``LlamaError/invalidConfiguration(source:key:reason:)``.
    public init(json: String, source: String = "configuration", sections: Set<Section> = Set(Section.allCases)) throws(LlamaError) {
        let document: JSONValue
        do { document = try JSONValue(parsing: json) } catch {
            throw .invalidConfiguration(source: source, key: nil, reason: "not valid JSON: \(error)")
        }
        guard case .object(let members) = document else {
            throw .invalidConfiguration(source: source, key: nil, reason: "must be a JSON object")
        }
        values = [:]
        for member in members {
            guard let key = Self.keys[member.key] else {
                throw .invalidConfiguration(
                    source: source, key: member.key,
                    reason: "unknown key (known: \(Self.keyNames(in: sections).joined(separator: ", ")))")
            }
            guard sections.contains(key.section) else {
                throw .invalidConfiguration(
                    source: source, key: member.key,
                    reason: "a \(key.section) setting cannot be given here (this takes \(sections.map(\.rawValue).sorted().joined(separator: ", ")) settings)")
            }
            guard values[member.key] == nil else {
                throw .invalidConfiguration(source: source, key: member.key, reason: "given twice")
            }
            values[member.key] = try key.kind.check(member.value, key: member.key, source: source)
        }
        try checkCombinations(source: source)
    }

    /// Reads the configuration file at `path` (at most 1 MiB of JSON).
    ///
    /// - Throws: ``LlamaError/invalidConfiguration(source:key:reason:)`` naming the file.
    public init(contentsOfFile path: String) throws(LlamaError) {
        let limit = 1 << 20
        guard let file = FileHandle(forReadingAtPath: path), let data = try? file.read(upToCount: limit + 1) else {
            throw .invalidConfiguration(source: path, key: nil, reason: "cannot read the file")
        }
        try? file.close()
        guard data.count <= limit else {
            throw .invalidConfiguration(source: path, key: nil, reason: "larger than the 1 MiB a configuration may be")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidConfiguration(source: path, key: nil, reason: "not UTF-8 text")
        }
        try self.init(json: text, source: path)
    }

    /// This configuration with every key that `other` sets taken from `other`. A key that
    /// excludes another (`grammar` and `json_schema`, `model` and `hf_repo`, `chat_template` and
    /// `chat_template_file`; the two cache types, which must agree) replaces it too.
    public func merging(_ other: LlamaConfiguration) -> LlamaConfiguration {
        var merged = self
        for group in Self.exclusiveKeys where group.contains(where: other.contains) {
            for key in group { merged.values[key] = nil }
        }
        merged.values.merge(other.values) { _, new in new }
        return merged
    }

    /// Keys of which one configuration sets at most one (the cache types: the same value).
    private static let exclusiveKeys: [[String]] = [
        ["grammar", "json_schema"], ["model", "hf_repo", "hf_file"], ["chat_template", "chat_template_file"],
        ["cache_type_k", "cache_type_v"],
    ]

    /// `error` with a flag name it gives (`--ctx-size`) replaced by this format's key.
    static func naming(_ error: LlamaError, source: String) -> LlamaError {
        guard case .invalidParameter(let flag, let value, let reason) = error,
              let key = keys.values.first(where: { $0.flag == flag })?.name else { return error }
        return .invalidConfiguration(source: source, key: key, reason: "\(value): \(reason)")
    }

    /// Whether `key` is set.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    // MARK: Model

    /// `model`: the GGUF file's path.
    public var model: String? { string("model") }
    /// `hf_repo`: a Hugging Face model, `OWNER/REPO[:QUANT]`, downloaded into the cache.
    public var huggingFaceRepository: String? { string("hf_repo") }
    /// `hf_file`: the file of ``huggingFaceRepository`` to take.
    public var huggingFaceFile: String? { string("hf_file") }
    /// `offline`: use only models already in the download cache.
    public var offline: Bool? { bool("offline") }
    /// `backend`: `cpu`, `blas`, `vulkan` or `auto`.
    public var backend: ComputeBackend? { string("backend").flatMap(ComputeBackend.init(rawValue:)) }
    /// `device`: the Vulkan device index.
    public var device: Int? { int("device") }
    /// `threads`: threads for the CPU kernels.
    public var threads: Int? { int("threads") }

    // MARK: Session

    /// `context_size`: positions a session holds (0: the model's, at most 4096).
    public var contextSize: Int? { int("context_size") }
    /// `batch_size`: prompt tokens evaluated per pass.
    public var batchSize: Int? { int("batch_size") }
    /// `cache_type_k` and `cache_type_v` (one type for both; they must agree where both are given).
    public var cacheType: KVCacheType? {
        (string("cache_type_k") ?? string("cache_type_v")).flatMap(KVCacheType.init(rawValue:))
    }
    /// `chat_template`: a built-in prompt format's name, instead of the model's template.
    public var chatTemplate: String? { string("chat_template") }
    /// `chat_template_file`: a Jinja template file, instead of the model's template.
    public var chatTemplateFile: String? { string("chat_template_file") }

    // MARK: Server

    /// `host`: the address `serve` binds.
    public var host: String? { string("host") }
    /// `port`: the port `serve` binds (0: any free one).
    public var port: Int? { int("port") }
    /// `parallel`: requests `serve` generates at the same time.
    public var parallel: Int? { int("parallel") }
    /// `queue_size`: requests that may wait for a slot.
    public var queueSize: Int? { int("queue_size") }
    /// `alias`: the model's name in `serve`'s answers and model list.
    public var alias: String? { string("alias") }

    // MARK: Sampling

    /// `max_tokens`: tokens to generate (-1: until the context is full); for `serve`, the most
    /// one request may ask for.
    public var maxTokens: Int? { int("max_tokens") }

    /// `base` with every sampling key this configuration sets.
    ///
    /// - Throws: ``LlamaError/invalidConfiguration(source:key:reason:)`` for a value out of range
    ///   or a grammar or schema that does not compile.
    public func generationParameters(_ base: GenerationParameters = GenerationParameters(), source: String = "configuration") throws(LlamaError) -> GenerationParameters {
        var p = base
        if let v = float("temperature") { p.temperature = v }
        if let v = int("top_k") { p.topK = v }
        if let v = float("top_p") { p.topP = v }
        if let v = float("min_p") { p.minP = v }
        if let v = float("repeat_penalty") { p.repetitionPenalty = v }
        if let v = int("repeat_last_n") { p.repeatLastN = v }
        if let v = float("frequency_penalty") { p.frequencyPenalty = v }
        if let v = float("presence_penalty") { p.presencePenalty = v }
        if let v = int("seed") { p.seed = v == -1 ? nil : UInt64(v) }
        if let v = int("max_tokens") { p.maxTokens = v }
        if let v = strings("stop") { p.stop = v }
        if let v = string("grammar") { p.constraint = .grammar(v) }
        if let v = values["json_schema"] { p.constraint = .jsonSchema(v.stringValue ?? v.serialized) }
        do {
            try p.validate()
            try p.constraint?.validate()
        } catch {
            throw Self.naming(error, source: source)
        }
        return p
    }

    // MARK: Keys

    /// What one key holds.
    private struct Key: Sendable {
        let name: String
        let section: Section
        /// The command-line flag with the same meaning, to map validation errors back to the key.
        let flag: String
        let kind: Kind
    }

    /// The types of values.
    private enum Kind: Sendable {
        case string
        case bool
        case integer(min: Int, max: Int)
        case number
        case choice([String])
        /// A string, or an array of strings.
        case strings
        /// A JSON Schema: an object, or its text as a string.
        case schema

        func check(_ value: JSONValue, key: String, source: String) throws(LlamaError) -> JSONValue {
            func fail(_ reason: String) -> LlamaError {
                .invalidConfiguration(source: source, key: key, reason: "\(reason), got \(value.serialized.prefix(80))")
            }
            switch (self, value) {
            case (.string, .string(let s)):
                guard !s.isEmpty else { throw fail("must not be empty") }
            case (.bool, .bool):
                break
            case (.integer(let low, let high), .number(let d)):
                guard d == d.rounded(), d >= Double(low), d <= Double(high) else {
                    throw fail(high == Int(1) << 53 ? "must be an integer of at least \(low)" : "must be an integer in \(low)...\(high)")
                }
            case (.number, .number(let d)):
                guard d.isFinite, abs(d) <= Double(Float.greatestFiniteMagnitude) else { throw fail("must be a finite number") }
            case (.choice(let names), .string(let s)):
                guard names.contains(s) else { throw fail("must be one of \(names.joined(separator: ", "))") }
            case (.strings, .string):
                break
            case (.strings, .array(let items)):
                guard items.allSatisfy({ $0.stringValue != nil }) else { throw fail("must be a string or an array of strings") }
            case (.schema, .object), (.schema, .string):
                break
            default:
                throw fail("must be \(description)")
            }
            return value
        }

        var description: String {
            switch self {
            case .string: "a string"
            case .bool: "true or false"
            case .integer: "an integer"
            case .number: "a number"
            case .choice(let names): "one of \(names.joined(separator: ", "))"
            case .strings: "a string or an array of strings"
            case .schema: "a JSON Schema object"
            }
        }
    }

    private static let unbounded = Int(1) << 53

    private static let keys: [String: Key] = {
        let table: [Key] = [
            Key(name: "model", section: .model, flag: "--model", kind: .string),
            Key(name: "hf_repo", section: .model, flag: "--hf-repo", kind: .string),
            Key(name: "hf_file", section: .model, flag: "--hf-file", kind: .string),
            Key(name: "offline", section: .model, flag: "--offline", kind: .bool),
            Key(name: "backend", section: .model, flag: "--backend", kind: .choice(ComputeBackend.allCases.map(\.rawValue))),
            Key(name: "device", section: .model, flag: "--device", kind: .integer(min: 0, max: unbounded)),
            Key(name: "threads", section: .model, flag: "--threads", kind: .integer(min: 1, max: 1024)),
            Key(name: "context_size", section: .session, flag: "--ctx-size", kind: .integer(min: 0, max: LlamaModel.maximumContextSize)),
            Key(name: "batch_size", section: .session, flag: "--batch-size", kind: .integer(min: 1, max: unbounded)),
            Key(name: "cache_type_k", section: .session, flag: "--cache-type-k", kind: .choice(KVCacheType.allCases.map(\.rawValue))),
            Key(name: "cache_type_v", section: .session, flag: "--cache-type-v", kind: .choice(KVCacheType.allCases.map(\.rawValue))),
            Key(name: "chat_template", section: .session, flag: "--chat-template", kind: .string),
            Key(name: "chat_template_file", section: .session, flag: "--chat-template-file", kind: .string),
            Key(name: "temperature", section: .sampling, flag: "--temp", kind: .number),
            Key(name: "top_k", section: .sampling, flag: "--top-k", kind: .integer(min: 0, max: unbounded)),
            Key(name: "top_p", section: .sampling, flag: "--top-p", kind: .number),
            Key(name: "min_p", section: .sampling, flag: "--min-p", kind: .number),
            Key(name: "repeat_penalty", section: .sampling, flag: "--repeat-penalty", kind: .number),
            Key(name: "repeat_last_n", section: .sampling, flag: "--repeat-last-n", kind: .integer(min: -1, max: unbounded)),
            Key(name: "frequency_penalty", section: .sampling, flag: "--frequency-penalty", kind: .number),
            Key(name: "presence_penalty", section: .sampling, flag: "--presence-penalty", kind: .number),
            Key(name: "seed", section: .sampling, flag: "--seed", kind: .integer(min: -1, max: unbounded)),
            Key(name: "max_tokens", section: .sampling, flag: "--n-predict", kind: .integer(min: -1, max: unbounded)),
            Key(name: "stop", section: .sampling, flag: "stop", kind: .strings),
            Key(name: "grammar", section: .sampling, flag: "--grammar", kind: .string),
            Key(name: "json_schema", section: .sampling, flag: "--json-schema", kind: .schema),
            Key(name: "host", section: .server, flag: "--host", kind: .string),
            Key(name: "port", section: .server, flag: "--port", kind: .integer(min: 0, max: 65535)),
            Key(name: "parallel", section: .server, flag: "--parallel", kind: .integer(min: 1, max: 1024)),
            Key(name: "queue_size", section: .server, flag: "--queue-size", kind: .integer(min: 0, max: unbounded)),
            Key(name: "alias", section: .server, flag: "--alias", kind: .string),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0) })
    }()

    /// The keys of `sections`, sorted.
    private static func keyNames(in sections: Set<Section>) -> [String] {
        keys.values.filter { sections.contains($0.section) }.map(\.name).sorted()
    }

    /// Rules that span keys.
    private func checkCombinations(source: String) throws(LlamaError) {
        if let k = string("cache_type_k"), let v = string("cache_type_v"), k != v {
            throw .invalidConfiguration(source: source, key: "cache_type_v", reason: "\(v) differs from cache_type_k \(k): keys and values share one type")
        }
        if contains("model"), contains("hf_repo") {
            throw .invalidConfiguration(source: source, key: "hf_repo", reason: "give model or hf_repo, not both")
        }
        if contains("hf_file"), !contains("hf_repo") {
            throw .invalidConfiguration(source: source, key: "hf_file", reason: "needs hf_repo")
        }
        if contains("grammar"), contains("json_schema") {
            throw .invalidConfiguration(source: source, key: "json_schema", reason: "give grammar or json_schema, not both")
        }
        if contains("chat_template"), contains("chat_template_file") {
            throw .invalidConfiguration(source: source, key: "chat_template_file", reason: "give chat_template or chat_template_file, not both")
        }
    }

    private func string(_ key: String) -> String? { values[key]?.stringValue }
    private func bool(_ key: String) -> Bool? {
        if case .bool(let b)? = values[key] { return b }
        return nil
    }
    private func int(_ key: String) -> Int? {
        if case .number(let d)? = values[key] { return Int(d) }
        return nil
    }
    private func float(_ key: String) -> Float? {
        if case .number(let d)? = values[key] { return Float(d) }
        return nil
    }
    private func strings(_ key: String) -> [String]? {
        switch values[key] {
        case .string(let s)?: [s]
        case .array(let items)?: items.compactMap(\.stringValue)
        default: nil
        }
    }
}

extension JSONValue {
    /// The string this value holds, if it is one.
    fileprivate var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
