/// Why a template could not be compiled or rendered.
public enum JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template does not parse; `line` and `column` (both from 1, the column counted in
    /// characters) point at the offending token.
    case syntax(message: String, line: Int, column: Int)
    /// The template called `raise_exception(message)`; `message` is the template's own text.
    case raised(String)
    /// A use of an undefined value that jinja2 refuses (an attribute of it, arithmetic, calling it).
    case undefined(String)
    /// An operation on values of the wrong types, as Python's `TypeError` or `ValueError`.
    case type(String)
    /// Something the sandbox forbids, such as changing a list in place.
    case sandbox(String)
    /// A ``Limits`` bound was reached: output size, loop iterations, nesting or recursion depth.
    case limit(String)
    /// Another failure at render time: an unknown filter or test, wrong arguments.
    case runtime(String)

    /// The error with "(line N)" after its message; syntax errors already carry their
    /// position, and a `raise_exception` message stays the template's own text.
    func atLine(_ line: Int?) -> JinjaError {
        guard let line else { return self }
        let suffix = " (template line \(line))"
        switch self {
        case .syntax, .raised: return self
        case .undefined(let m): return .undefined(m + suffix)
        case .type(let m): return .type(m + suffix)
        case .sandbox(let m): return .sandbox(m + suffix)
        case .limit(let m): return .limit(m + suffix)
        case .runtime(let m): return .runtime(m + suffix)
        }
    }

    public var description: String {
        switch self {
        case .syntax(let message, let line, let column): return "template syntax error at line \(line), column \(column): \(message)"
        case .raised(let message): return message
        case .undefined(let message): return "undefined value: \(message)"
        case .type(let message): return "type error: \(message)"
        case .sandbox(let message): return "sandbox: \(message)"
        case .limit(let message): return "template limit reached: \(message)"
        case .runtime(let message): return "template error: \(message)"
        }
    }
}
