/// What a running generation reports: text as it comes, then how it ended.
enum GenerationEvent: Sendable {
    case text(String)
    case finished(CompletionOutcome)
}

extension CompletionEngine {
    /// Runs ``generate(_:parameters:onText:)`` in its own task and streams what it reports.
    ///
    /// Dropping or cancelling the iteration cancels the generation.
    func events(for prompt: CompletionPrompt, parameters: CompletionParameters) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let task = Task {
            do {
                let outcome = try await generate(prompt, parameters: parameters) { text in
                    if case .terminated = continuation.yield(.text(text)) { throw CancellationError() }
                }
                continuation.yield(.finished(outcome))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
