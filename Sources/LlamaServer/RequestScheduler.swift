/// Admits generation requests: up to `parallel` run at once, up to `queueLimit` more wait in
/// arrival order, and the rest are refused with 503.
actor RequestScheduler {
    /// Requests that may generate at the same time.
    let parallel: Int
    /// Requests that may wait for a slot.
    let queueLimit: Int
    private var running = 0
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    /// A scheduler with `parallel` slots (at least 1) and room for `queueLimit` waiting requests.
    init(parallel: Int, queueLimit: Int) {
        self.parallel = max(parallel, 1)
        self.queueLimit = max(queueLimit, 0)
    }

    /// Requests generating now and requests waiting.
    var load: (running: Int, waiting: Int) { (running, waiting.count) }

    /// Waits for a free slot and returns the lease that holds it until the lease goes away.
    ///
    /// - Throws: ``APIError/overloaded(queueLimit:)`` when the queue is full, `CancellationError`
    ///   when the task is cancelled while waiting.
    func admit() async throws -> SlotLease {
        if running < parallel {
            running += 1
            return SlotLease(scheduler: self)
        }
        guard waiting.count < queueLimit else { throw APIError.overloaded(queueLimit: queueLimit) }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiting.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.withdraw(id) }
        }
        return SlotLease(scheduler: self)
    }

    /// Hands the slot to the longest-waiting request, or frees it.
    fileprivate func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().continuation.resume()
        }
    }

    private func withdraw(_ id: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

/// One admitted request's slot, given back when the last reference to the lease goes away, so
/// a response that is never written cannot keep it.
final class SlotLease: Sendable {
    private let scheduler: RequestScheduler

    fileprivate init(scheduler: RequestScheduler) {
        self.scheduler = scheduler
    }

    deinit {
        Task { [scheduler] in await scheduler.release() }
    }
}
