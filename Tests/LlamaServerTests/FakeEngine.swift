import Synchronization
import LlamaServer

/// A stand-in model: it answers with the prompt's words in reverse order, one word per token,
/// so every answer is predictable and differs between prompts. The word `[fail]` makes it
/// throw when it comes to it.
final class FakeEngine: CompletionEngine {
    struct Counters {
        var running = 0
        var mostRunning = 0
        var started = 0
        var cancelled = 0
        var finished = 0
    }

    let modelName = "fake-model"
    let contextSize: Int
    /// Pause before each word, to keep generations overlapping.
    let delay: Duration
    /// When set, every generation waits here before its first word.
    let gate: Gate?
    let counters = Mutex(Counters())
    /// The parameters of the last generation.
    let lastParameters = Mutex<CompletionParameters?>(nil)

    init(contextSize: Int = 64, delay: Duration = .zero, gate: Gate? = nil) {
        self.contextSize = contextSize
        self.delay = delay
        self.gate = gate
    }

    /// The words the fake model reads from a prompt.
    static func words(_ prompt: CompletionPrompt) -> [String] {
        switch prompt {
        case .text(let text): text.split(separator: " ").map(String.init)
        case .chat(let turns, _): turns.flatMap { [$0.role + ":"] + $0.content.split(separator: " ").map(String.init) }
        }
    }

    /// The whole answer to `prompt` when nothing stops it early.
    static func answer(_ prompt: CompletionPrompt, maxTokens: Int) -> (text: String, finishReason: FinishReason) {
        let words = words(prompt).reversed().map { $0 + " " }
        return (words.prefix(maxTokens).joined(), words.count > maxTokens ? .length : .stop)
    }

    func promptTokenCount(_ prompt: CompletionPrompt) throws -> Int {
        Self.words(prompt).count
    }

    func generate(
        _ prompt: CompletionPrompt, parameters: CompletionParameters, onText: @Sendable (String) async throws -> Void
    ) async throws -> CompletionOutcome {
        lastParameters.withLock { $0 = parameters }
        counters.withLock {
            $0.started += 1
            $0.running += 1
            $0.mostRunning = max($0.mostRunning, $0.running)
        }
        defer { counters.withLock { $0.running -= 1 } }
        do {
            await gate?.wait()
            var count = 0
            for word in Self.words(prompt).reversed() {
                if count == parameters.maxTokens {
                    counters.withLock { $0.finished += 1 }
                    return CompletionOutcome(completionTokens: count, finishReason: .length)
                }
                try await Task.sleep(for: delay)
                try Task.checkCancellation()
                if word == "[fail]" { throw FakeFailure() }
                try await onText(word + " ")
                count += 1
            }
            counters.withLock { $0.finished += 1 }
            return CompletionOutcome(completionTokens: count, finishReason: .stop)
        } catch {
            counters.withLock { $0.cancelled += 1 }
            throw error
        }
    }
}

/// The error the fake engine throws at `[fail]`.
struct FakeFailure: Error {}

/// Holds tasks back until opened.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}
