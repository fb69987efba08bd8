/// Counts and timings of the last generation in a session.
public struct GenerationStatistics: Sendable, Equatable {
    /// Prompt tokens evaluated (those already in the cache are not counted).
    public var promptTokens = 0
    /// Seconds spent evaluating them.
    public var promptSeconds = 0.0
    /// Tokens generated.
    public var generatedTokens = 0
    /// Seconds spent generating them (sampling and evaluation).
    public var generationSeconds = 0.0

    /// Creates empty statistics.
    public init() {}

    /// Prompt tokens per second (0 when nothing was evaluated).
    public var promptTokensPerSecond: Double {
        promptSeconds > 0 ? Double(promptTokens) / promptSeconds : 0
    }

    /// Generated tokens per second (0 when nothing was generated).
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(generatedTokens) / generationSeconds : 0
    }
}
