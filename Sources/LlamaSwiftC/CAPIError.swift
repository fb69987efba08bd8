import Foundation

/// A failure of a C API call: the message the caller gets.
struct CAPIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
    init(_ error: any Error) { description = "\(error)" }
}

/// The last error of each thread, for `llama_swift_last_error`.
enum LastError {
    private static let key = "LlamaSwiftC.lastError"

    static var message: String? {
        get { Thread.current.threadDictionary[key] as? String }
        set { Thread.current.threadDictionary[key] = newValue }
    }
}

/// Records `error` as the thread's last error and, when `slot` is not NULL, stores a copy of its
/// message there for the caller to free.
func report(_ error: any Error, to slot: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
    let message = (error as? CAPIError)?.description ?? "\(error)"
    LastError.message = message
    slot?.pointee = strdup(message)
}

/// A C string argument as a Swift string.
///
/// - Throws: ``CAPIError`` naming `name` when it is NULL or not UTF-8.
func string(_ pointer: UnsafePointer<CChar>?, name: String) throws(CAPIError) -> String {
    guard let pointer else { throw CAPIError("\(name) is NULL") }
    guard let text = String(validatingCString: pointer) else { throw CAPIError("\(name) is not valid UTF-8") }
    return text
}

/// An optional C string argument: `nil` for NULL.
func optionalString(_ pointer: UnsafePointer<CChar>?, name: String) throws(CAPIError) -> String? {
    guard pointer != nil else { return nil }
    return try string(pointer, name: name)
}

/// Runs `body` and turns its failure into `failure` with the error reported; `*error` is left
/// untouched on success.
func call<T>(
    _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, failure: T, _ body: () throws -> T
) -> T {
    do { return try body() } catch let caught {
        report(caught, to: error)
        return failure
    }
}
