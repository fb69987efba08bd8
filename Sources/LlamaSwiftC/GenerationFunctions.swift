import Foundation
import LlamaGrammar
import LlamaSwift

/// The C callback that receives each piece (`llama_swift_piece_fn`).
public typealias PieceCallback = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Int32

@_cdecl("llama_swift_generate")
public func llama_swift_generate(
    _ session: UnsafeMutableRawPointer?, _ prompt: UnsafePointer<CChar>?, _ parameters: UnsafePointer<CChar>?,
    _ onPiece: PieceCallback?, _ userData: UnsafeMutableRawPointer?, _ error: ErrorSlot
) -> Int32 {
    call(error, failure: -1) {
        let handle = try Handles.sessions.object(session)
        let text = try string(prompt, name: "prompt")
        let generation = try handle.generationParameters(try optionalString(parameters, name: "parameters_json"))
        return try handle.exclusive { () throws(CAPIError) in
            try deliver(to: onPiece, userData) { channel in
                try await handle.session.generate(prompt: text, parameters: generation, onPiece: channel.send)
            }
        }
    }
}

@_cdecl("llama_swift_chat")
public func llama_swift_chat(
    _ session: UnsafeMutableRawPointer?, _ messages: UnsafePointer<CChar>?, _ parameters: UnsafePointer<CChar>?,
    _ onPiece: PieceCallback?, _ userData: UnsafeMutableRawPointer?, _ error: ErrorSlot
) -> Int32 {
    call(error, failure: -1) {
        let handle = try Handles.sessions.object(session)
        let conversation = try chatMessages(try string(messages, name: "messages_json"))
        let generation = try handle.generationParameters(try optionalString(parameters, name: "parameters_json"))
        return try handle.exclusive { () throws(CAPIError) in
            try deliver(to: onPiece, userData) { channel in
                try await handle.session.chat(
                    messages: conversation, parameters: generation, template: handle.template, onPiece: channel.send)
            }
        }
    }
}

extension SessionHandle {
    /// The session's defaults with `json`'s sampling keys on top.
    func generationParameters(_ json: String?) throws(LlamaError) -> GenerationParameters {
        guard let json else { return try configuration.generationParameters(source: "config_json") }
        let overrides = try LlamaConfiguration(json: json, source: "parameters_json", sections: [.sampling])
        return try configuration.merging(overrides).generationParameters(source: "parameters_json")
    }
}

/// Reads `[{"role": ..., "content": ...}, ...]`.
func chatMessages(_ json: String) throws(CAPIError) -> [ChatMessage] {
    let document: JSONValue
    do { document = try JSONValue(parsing: json) } catch { throw CAPIError("messages_json: not valid JSON: \(error)") }
    guard case .array(let items) = document else { throw CAPIError("messages_json: must be an array of messages") }
    return try items.enumerated().map { (index, item) throws(CAPIError) in
        guard case .string(let roleName)? = item["role"] else {
            throw CAPIError("messages_json[\(index)].role: must be a string")
        }
        guard let role = ChatMessage.Role(rawValue: roleName) else {
            throw CAPIError("messages_json[\(index)].role: '\(roleName)' is not system, user, assistant or tool")
        }
        guard case .string(let content)? = item["content"] else {
            throw CAPIError("messages_json[\(index)].content: must be a string")
        }
        return ChatMessage(role: role, content: content)
    }
}

/// Runs `generation` in a task, which hands its pieces to the channel from the session's
/// executor, and passes them to `callback` on this thread, in order.
///
/// - Returns: 0 when the generation ended, 1 when the callback asked to stop (the session stops
///   at its next piece, and has stopped when this returns).
/// - Throws: ``CAPIError`` with the generation's error.
func deliver(
    to callback: PieceCallback?, _ userData: UnsafeMutableRawPointer?,
    _ generation: @escaping @Sendable (PieceChannel) async throws -> Void
) throws(CAPIError) -> Int32 {
    let channel = PieceChannel()
    Task.detached {
        do {
            try await generation(channel)
            channel.finish(nil)
        } catch {
            channel.finish(error)
        }
    }
    var stopped = false
    while true {
        switch channel.receive() {
        case .piece(let piece):
            guard !stopped, let callback else { continue }
            if piece.withCString({ callback($0, userData) }) != 0 {
                stopped = true
                channel.stop()
            }
        case .end(let failure):
            if stopped { return 1 }
            if let failure { throw CAPIError(failure) }
            return 0
        }
    }
}

/// Pieces passed from the generating session to the C caller's thread, and the caller's
/// request to stop passed back.
final class PieceChannel: @unchecked Sendable {
    enum Event {
        case piece(String)
        case end((any Error)?)
    }

    private let condition = NSCondition()
    private var queue: [Event] = []
    private var head = 0
    private var stopped = false

    /// Queues a piece; false once the caller asked to stop, which ends the generation.
    @Sendable func send(_ piece: String) -> Bool {
        post(.piece(piece))
        condition.lock()
        defer { condition.unlock() }
        return !stopped
    }

    func finish(_ error: (any Error)?) { post(.end(error)) }

    func stop() {
        condition.lock()
        stopped = true
        condition.unlock()
    }

    private func post(_ event: Event) {
        condition.lock()
        queue.append(event)
        condition.signal()
        condition.unlock()
    }

    /// The next event, waiting for one.
    func receive() -> Event {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count { condition.wait() }
        let event = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        return event
    }
}
