import Foundation

extension LlamaModel {
    /// Loads the model a ``LlamaConfiguration`` names, with its backend, device and threads.
    ///
    /// - Parameters:
    ///   - configuration: The settings; its `model` key is the file unless `path` is given.
    ///   - path: The file to load instead of `model` (a download `hf_repo` resolved to).
    ///   - source: What the configuration came from, for error messages.
    /// - Throws: ``LlamaError/invalidConfiguration(source:key:reason:)`` when no file is named or
    ///   a value is out of range, and what ``init(path:threads:computeBackend:deviceIndex:backend:)``
    ///   throws for the file.
    public convenience init(configuration: LlamaConfiguration, path: String? = nil, source: String = "configuration") throws(LlamaError) {
        guard let file = path ?? configuration.model else {
            throw .invalidConfiguration(source: source, key: "model", reason: "no model file given (model or hf_repo)")
        }
        do {
            try self.init(
                path: file, threads: configuration.threads, computeBackend: configuration.backend ?? .cpu,
                deviceIndex: configuration.device)
        } catch {
            throw LlamaConfiguration.naming(error, source: source)
        }
    }

    /// A new session sized by `configuration`'s `context_size`, `batch_size` and cache types
    /// (each at ``makeSession(contextSize:batchSize:cacheType:)``'s default where not set); an
    /// error names the key and `source`.
    public func makeSession(configuration: LlamaConfiguration, source: String = "configuration") throws(LlamaError) -> LlamaSession {
        let context = configuration.contextSize ?? 0
        do {
            return try makeSession(
                contextSize: context == 0 ? nil : context, batchSize: configuration.batchSize ?? 512,
                cacheType: configuration.cacheType ?? .f16)
        } catch {
            throw LlamaConfiguration.naming(error, source: source)
        }
    }

    /// The chat template `configuration` names (`chat_template` or `chat_template_file`), or
    /// `nil` for the model's own.
    ///
    /// - Throws: ``LlamaError/invalidConfiguration(source:key:reason:)`` for a file that cannot be
    ///   read, ``LlamaError/chatTemplateFailed(_:)`` for a template that does not compile.
    public func chatTemplate(configuration: LlamaConfiguration, source: String = "configuration") throws(LlamaError) -> ChatTemplate? {
        if let name = configuration.chatTemplate { return try chatTemplate(named: name) }
        guard let file = configuration.chatTemplateFile else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .invalidConfiguration(source: source, key: "chat_template_file", reason: "cannot read \(file)")
        }
        return try chatTemplate(jinja: String(decoding: data, as: UTF8.self))
    }
}
