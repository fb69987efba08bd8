import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A persistent pool of worker threads for data-parallel loops.
///
/// The workers are started once, in `init`. Between calls they spin for a short while
/// (``spinDuration``) watching for the next loop, then sleep: the forward pass issues hundreds of
/// short loops per token, and waking a sleeping thread for each would cost more than the loop
/// itself on a small model. Calls from several threads at once are serialised; a call made from
/// inside a body running on the same pool runs its loop on the calling thread.
public final class ThreadPool: @unchecked Sendable {
    /// Threads that run bodies, the calling thread included.
    public let threadCount: Int

    /// How long an idle worker keeps watching for new work before it sleeps, and how long a caller
    /// waits actively for the workers to finish before it sleeps.
    public static let spinDuration = Duration.microseconds(300)

    private let state: PoolState
    private let submission = PthreadMutex()

    /// A pool of `threadCount` threads in all (the caller of `parallelFor` is one of them, so
    /// `threadCount - 1` workers are started). Values below 1 count as 1.
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        state = PoolState()
        for _ in 1..<self.threadCount {
            let state = self.state
            let thread = Thread { state.workerLoop() }
            thread.name = "LlamaKernels worker"
            thread.start()
        }
    }

    /// A pool with one thread per active processor.
    public convenience init() {
        self.init(threadCount: ProcessInfo.processInfo.activeProcessorCount)
    }

    deinit { state.shutDown() }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool, and returns when all have
    /// finished. The calling thread takes part. Indices are handed out one at a time, so give each
    /// a useful amount of work (a few microseconds or more).
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        if threadCount == 1 || count == 1 || state.isCurrentThreadInside {
            for i in 0..<count { body(i) }
            return
        }
        submission.lock()
        defer { submission.unlock() }
        state.isCurrentThreadInside = true
        defer { state.isCurrentThreadInside = false }
        withoutActuallyEscaping(body) { body in state.run(count, body) }
    }
}

/// The state the caller and the workers share. The loop (`body`, `count`, `next`) is guarded by
/// one mutex; `generation` (bumped for every loop) and `finished` are also atomics so that
/// spinning threads can watch them without taking the mutex.
private final class PoolState: @unchecked Sendable {
    private let mutex = PthreadMutex()
    private let workAvailable = PthreadCondition()
    private let workFinished = PthreadCondition()
    private var body: ((Int) -> Void)?
    private var count = 0
    private var next = 0
    private let finished = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)
    private var callerSleeping = false
    private var stopping = false
    /// Marks the threads working for this pool (thread-specific), so that nested calls are seen.
    private let inside: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    deinit { pthread_key_delete(inside) }

    /// Whether the current thread is running a loop of this pool (a worker, or a caller inside `run`).
    var isCurrentThreadInside: Bool {
        get { pthread_getspecific(inside) != nil }
        set { pthread_setspecific(inside, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
    }

    /// Publishes a loop, works on it, and waits until every index has finished.
    func run(_ count: Int, _ body: @escaping (Int) -> Void) {
        mutex.lock()
        self.body = body
        self.count = count
        next = 0
        finished.store(0, ordering: .relaxed)
        generation.add(1, ordering: .releasing)
        workAvailable.broadcast()
        work()
        if finished.load(ordering: .acquiring) < count {
            mutex.unlock()
            spin { finished.load(ordering: .acquiring) == count }
            mutex.lock()
            while finished.load(ordering: .acquiring) < count {
                callerSleeping = true
                workFinished.wait(mutex)
            }
            callerSleeping = false
        }
        self.body = nil
        mutex.unlock()
    }

    /// Takes indices of the current loop until none is left. Called and returns with the mutex held.
    private func work() {
        while next < count, let body {
            let index = next
            next += 1
            mutex.unlock()
            body(index)
            mutex.lock()
            if finished.add(1, ordering: .releasing).newValue == count, callerSleeping { workFinished.signal() }
        }
    }

    func workerLoop() {
        isCurrentThreadInside = true
        mutex.lock()
        while !stopping {
            if next < count && body != nil {
                work()
                continue
            }
            let seen = generation.load(ordering: .relaxed)
            mutex.unlock()
            spin { generation.load(ordering: .acquiring) != seen }
            mutex.lock()
            if generation.load(ordering: .relaxed) == seen && !stopping {
                workAvailable.wait(mutex)
            }
        }
        mutex.unlock()
    }

    func shutDown() {
        mutex.lock()
        stopping = true
        generation.add(1, ordering: .releasing)
        workAvailable.broadcast()
        mutex.unlock()
    }

    /// Polls `done` until it holds or ``ThreadPool/spinDuration`` has passed.
    private func spin(until done: () -> Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: ThreadPool.spinDuration)
        while !done() {
            // Reading the clock costs about as much as 100 polls.
            for _ in 0..<256 where done() { return }
            if clock.now >= deadline { return }
        }
    }
}

/// A heap-allocated pthread mutex (its address must not move).
private final class PthreadMutex: @unchecked Sendable {
    let raw = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(raw, nil) }
    deinit { pthread_mutex_destroy(raw); raw.deallocate() }
    func lock() { pthread_mutex_lock(raw) }
    func unlock() { pthread_mutex_unlock(raw) }
}

/// A heap-allocated pthread condition variable.
private final class PthreadCondition: @unchecked Sendable {
    let raw = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    init() { pthread_cond_init(raw, nil) }
    deinit { pthread_cond_destroy(raw); raw.deallocate() }
    func wait(_ mutex: PthreadMutex) { pthread_cond_wait(raw, mutex.raw) }
    func signal() { pthread_cond_signal(raw) }
    func broadcast() { pthread_cond_broadcast(raw) }
}
