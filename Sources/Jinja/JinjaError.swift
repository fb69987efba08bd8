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

/// Bounds that keep a hostile template (one from a downloaded model file) from using unbounded
/// time, memory or stack. Reaching one ends the compile or render with ``JinjaError/limit(_:)``.
public struct Limits: Sendable, Equatable {
    /// The most bytes (UTF-8) a render may write, and the longest string any expression may
    /// build (repetition, concatenation, joins). Default 4 MiB: a 128k-token prompt is about 512 KiB.
    public var maxOutputBytes: Int
    /// The most loop iterations and macro calls over the whole render, all together. Default one million.
    public var maxLoopIterations: Int
    /// The longest list an expression may build (`range`, list repetition). Default one million.
    public var maxListLength: Int
    /// The deepest nesting of blocks and expressions the parser accepts. Default 128; real
    /// templates nest less than 20 deep.
    public var maxNestingDepth: Int
    /// The deepest chain of macro calls (recursion included). Default 64.
    public var maxCallDepth: Int

    public init(
        maxOutputBytes: Int = 4 << 20, maxLoopIterations: Int = 1_000_000, maxListLength: Int = 1_000_000,
        maxNestingDepth: Int = 128, maxCallDepth: Int = 64
    ) {
        self.maxOutputBytes = maxOutputBytes
        self.maxLoopIterations = maxLoopIterations
        self.maxListLength = maxListLength
        self.maxNestingDepth = maxNestingDepth
        self.maxCallDepth = maxCallDepth
    }
}
