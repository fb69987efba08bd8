/// Why a session state file could not be saved or restored.
public enum SessionStateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The file does not start with the state magic.
    case notAStateFile(path: String)
    /// The file has a format version this build does not read.
    case unsupportedVersion(path: String, version: UInt32)
    /// The file was saved from a model with other shapes or weights.
    case modelMismatch(path: String)
    /// The file ends before the state it announces.
    case truncated(path: String)
    /// The file's contents are damaged.
    case corrupt(path: String, reason: String)
    /// The state holds more tokens than the session's context.
    case doesNotFit(tokens: Int, contextSize: Int)

    public var description: String {
        switch self {
        case .io(let path, let reason):
            "cannot access the session state file \(path): \(reason)"
        case .notAStateFile(let path):
            "\(path) is not a llama-swift session state file"
        case .unsupportedVersion(let path, let version):
            "\(path) has session state format version \(version); this build reads version \(SessionStateLayout.version)"
        case .modelMismatch(let path):
            "\(path) was saved from a different model"
        case .truncated(let path):
            "\(path) is truncated"
        case .corrupt(let path, let reason):
            "\(path) is corrupt: \(reason)"
        case .doesNotFit(let tokens, let contextSize):
            "the saved state holds \(tokens) tokens, more than the session's context of \(contextSize)"
        }
    }
}
