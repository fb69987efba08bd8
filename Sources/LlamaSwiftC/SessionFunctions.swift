import Foundation
import LlamaSwift

@_cdecl("llama_swift_session_create")
public func llama_swift_session_create(
    _ model: UnsafeMutableRawPointer?, _ config: UnsafePointer<CChar>?, _ error: ErrorSlot
) -> UnsafeMutableRawPointer? {
    call(error, failure: nil) {
        let handle = try Handles.models.object(model)
        var configuration = handle.configuration
        if let text = try optionalString(config, name: "config_json") {
            configuration = configuration.merging(
                try LlamaConfiguration(json: text, source: "config_json", sections: [.session, .sampling]))
        }
        // Checked here so that a bad default fails at creation rather than at every generation.
        _ = try configuration.generationParameters(source: "config_json")
        let session = try handle.model.makeSession(configuration: configuration, source: "config_json")
        let template = try handle.model.chatTemplate(configuration: configuration, source: "config_json")
        return Handles.sessions.insert(SessionHandle(session: session, configuration: configuration, template: template))
    }
}

@_cdecl("llama_swift_session_free")
public func llama_swift_session_free(_ session: UnsafeMutableRawPointer?) {
    Handles.sessions.remove(session)
}

@_cdecl("llama_swift_session_context_size")
public func llama_swift_session_context_size(_ session: UnsafeMutableRawPointer?) -> Int64 {
    call(nil, failure: -1) { Int64(try Handles.sessions.object(session).session.contextSize) }
}

@_cdecl("llama_swift_session_save")
public func llama_swift_session_save(
    _ session: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?, _ error: ErrorSlot
) -> Int32 {
    call(error, failure: -1) {
        let handle = try Handles.sessions.object(session)
        let file = try string(path, name: "path")
        try handle.exclusive { () throws(CAPIError) in
            do { try blocking { try await handle.session.saveState(to: file) } } catch { throw CAPIError(error) }
        }
        return 0
    }
}

@_cdecl("llama_swift_session_restore")
public func llama_swift_session_restore(
    _ session: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?, _ error: ErrorSlot
) -> Int64 {
    call(error, failure: -1) {
        let handle = try Handles.sessions.object(session)
        let file = try string(path, name: "path")
        return try handle.exclusive { () throws(CAPIError) in
            do { return Int64(try blocking { try await handle.session.restoreState(from: file) }) } catch { throw CAPIError(error) }
        }
    }
}

@_cdecl("llama_swift_session_reset")
public func llama_swift_session_reset(_ session: UnsafeMutableRawPointer?, _ error: ErrorSlot) -> Int32 {
    call(error, failure: -1) {
        let handle = try Handles.sessions.object(session)
        try handle.exclusive { () throws(CAPIError) in
            do { try blocking { await handle.session.reset() } } catch { throw CAPIError(error) }
        }
        return 0
    }
}
