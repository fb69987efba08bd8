import Foundation
import LlamaHub
import LlamaSwift
import Logging

/// The `char **error` out-parameter for error messages.
public typealias ErrorSlot = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

@_cdecl("llama_swift_api_version")
public func llama_swift_api_version() -> Int32 { 1 }

@_cdecl("llama_swift_model_load")
public func llama_swift_model_load(_ config: UnsafePointer<CChar>?, _ error: ErrorSlot) -> UnsafeMutableRawPointer? {
    call(error, failure: nil) {
        _ = Logs.configured
        let configuration = try LlamaConfiguration(json: try string(config, name: "config_json"), source: "config_json")
        var path: String?
        if let repository = configuration.huggingFaceRepository {
            let reference = try HubModelReference(repository, file: configuration.huggingFaceFile)
            let client = HubClient(offline: configuration.offline ?? false)
            path = try blocking { try await client.modelFile(reference) }
        }
        let model = try LlamaModel(configuration: configuration, path: path, source: "config_json")
        return Handles.models.insert(ModelHandle(model: model, configuration: configuration))
    }
}

/// The library's log messages on standard error. A C host has no Swift logging of its own to
/// configure, so the C API is the program here and sets it up once, at the first model load, at
/// the level `LLAMA_SWIFT_LOG_LEVEL` names (default `warning`).
enum Logs {
    static let configured: Void = {
        let name = ProcessInfo.processInfo.environment["LLAMA_SWIFT_LOG_LEVEL"] ?? "warning"
        let level = Logger.Level(rawValue: name) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()
}

@_cdecl("llama_swift_model_free")
public func llama_swift_model_free(_ model: UnsafeMutableRawPointer?) {
    Handles.models.remove(model)
}

@_cdecl("llama_swift_tokenize")
public func llama_swift_tokenize(
    _ model: UnsafeMutableRawPointer?, _ text: UnsafePointer<CChar>?, _ addSpecial: Int32, _ parseSpecial: Int32,
    _ tokens: UnsafeMutablePointer<Int32>?, _ capacity: UInt, _ error: ErrorSlot
) -> Int64 {
    call(error, failure: -1) {
        let handle = try Handles.models.object(model)
        let ids = handle.model.tokenize(try string(text, name: "text"), addSpecial: addSpecial != 0, parseSpecial: parseSpecial != 0)
        if capacity > 0 {
            guard let tokens else { throw CAPIError("tokens is NULL but capacity is \(capacity)") }
            for (i, id) in ids.prefix(Int(min(capacity, UInt(Int.max)))).enumerated() { tokens[i] = Int32(id) }
        }
        return Int64(ids.count)
    }
}

@_cdecl("llama_swift_detokenize")
public func llama_swift_detokenize(
    _ model: UnsafeMutableRawPointer?, _ tokens: UnsafePointer<Int32>?, _ count: UInt, _ error: ErrorSlot
) -> UnsafeMutablePointer<CChar>? {
    call(error, failure: nil) {
        let handle = try Handles.models.object(model)
        guard count == 0 || tokens != nil else { throw CAPIError("tokens is NULL but count is \(count)") }
        guard count <= UInt(Int32.max) else { throw CAPIError("count \(count) is more tokens than any text has") }
        let vocabulary = handle.model.configuration.vocabularySize
        var ids: [Int] = []
        for i in 0..<Int(count) {
            let id = Int(tokens![i])
            guard (0..<vocabulary).contains(id) else {
                throw CAPIError("tokens[\(i)] = \(id) is outside the vocabulary (0..<\(vocabulary))")
            }
            ids.append(id)
        }
        return strdup(handle.model.tokenizer.decode(ids))
    }
}

@_cdecl("llama_swift_last_error")
public func llama_swift_last_error() -> UnsafeMutablePointer<CChar>? {
    LastError.message.flatMap { strdup($0) }
}

@_cdecl("llama_swift_string_free")
public func llama_swift_string_free(_ string: UnsafeMutablePointer<CChar>?) {
    free(string)
}
