import Foundation
import LlamaSwift

/// A loaded model behind a `llama_swift_model *`.
final class ModelHandle: Sendable {
    let model: LlamaModel
    /// The configuration it was loaded with: the defaults of its sessions.
    let configuration: LlamaConfiguration

    init(model: LlamaModel, configuration: LlamaConfiguration) {
        self.model = model
        self.configuration = configuration
    }
}

/// A session behind a `llama_swift_session *`, with the settings its generations default to.
final class SessionHandle: @unchecked Sendable {
    let session: LlamaSession
    /// The model's configuration with the session's on top.
    let configuration: LlamaConfiguration
    let template: ChatTemplate?
    /// Set while a call runs on the session; guarded by `lock`.
    private var busy = false
    private let lock = NSLock()

    init(session: LlamaSession, configuration: LlamaConfiguration, template: ChatTemplate?) {
        self.session = session
        self.configuration = configuration
        self.template = template
    }

    /// Runs `body` as the session's only call, or fails when another thread's call is running.
    func exclusive<T>(_ body: () throws(CAPIError) -> T) throws(CAPIError) -> T {
        lock.lock()
        guard !busy else {
            lock.unlock()
            throw CAPIError("the session is busy with another call (from another thread, or from its own callback)")
        }
        busy = true
        lock.unlock()
        defer {
            lock.lock()
            busy = false
            lock.unlock()
        }
        return try body()
    }
}

/// The live handles of one kind. A handle is a number never given out before, not an address,
/// so a freed handle stays invalid even when memory is reused; a pointer the C side passes is used
/// only when it is in the table, so a stale, foreign or NULL pointer is an error instead of a
/// crash. The table keeps its objects alive; a call looks its object up once and holds it for its
/// duration.
final class HandleTable<Object: AnyObject>: @unchecked Sendable {
    private var objects: [UnsafeMutableRawPointer: Object] = [:]
    private let lock = NSLock()
    private let kind: String
    /// The next handle's number; odd and far from small integers and real addresses' alignment.
    private var next: UInt

    init(kind: String, first: UInt) {
        self.kind = kind
        next = first
    }

    /// Registers `object` and returns its handle.
    func insert(_ object: Object) -> UnsafeMutableRawPointer {
        lock.lock()
        defer { lock.unlock() }
        let pointer = UnsafeMutableRawPointer(bitPattern: next)!
        next += 2
        objects[pointer] = object
        return pointer
    }

    /// The object of `pointer`.
    ///
    /// - Throws: ``CAPIError`` when `pointer` is NULL or not a live handle of this kind.
    func object(_ pointer: UnsafeMutableRawPointer?) throws(CAPIError) -> Object {
        guard let pointer else { throw CAPIError("the \(kind) handle is NULL") }
        lock.lock()
        defer { lock.unlock() }
        guard let object = objects[pointer] else {
            throw CAPIError("\(pointer) is not a live \(kind) handle (never created, or already freed)")
        }
        return object
    }

    /// Forgets `pointer`; false when it was not a live handle.
    @discardableResult
    func remove(_ pointer: UnsafeMutableRawPointer?) -> Bool {
        guard let pointer else { return false }
        lock.lock()
        defer { lock.unlock() }
        return objects.removeValue(forKey: pointer) != nil
    }
}

/// Every live handle.
enum Handles {
    static let models = HandleTable<ModelHandle>(kind: "model", first: 0x1000_0001)
    static let sessions = HandleTable<SessionHandle>(kind: "session", first: 0x2000_0001)
}
