/// A caller's own step in sampling: before each token is drawn it sees the next token's logits
/// and the tokens so far (prompt and generated), and may change the logits, for example set
/// those of forbidden tokens to `-Float.infinity`. It runs before ``OutputConstraint`` masking
/// and the sampler's penalties and filters.
///
/// Two processors are equal when one is a copy of the other.
public struct LogitsProcessor: Sendable, Equatable {
    private let identity: Identity
    private let body: @Sendable (inout [Float], [Int]) -> Void

    private final class Identity: Sendable {}

    /// A processor that runs `body(&logits, tokens)` before every draw.
    public init(_ body: @escaping @Sendable (_ logits: inout [Float], _ tokens: [Int]) -> Void) {
        identity = Identity()
        self.body = body
    }

    /// Runs the processor on `logits`, with the sequence's tokens so far.
    func process(_ logits: inout [Float], tokens: ArraySlice<Int32>) {
        body(&logits, tokens.map(Int.init))
    }

    public static func == (lhs: LogitsProcessor, rhs: LogitsProcessor) -> Bool { lhs.identity === rhs.identity }
}
