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
