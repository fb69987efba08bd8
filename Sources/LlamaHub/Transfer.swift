import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a transfer's response head and body go. Its methods run one at a time, on the
/// session's delegate queue; the transfer's owner reads it again only after the transfer ended.
protocol BodySink: AnyObject {
    /// The response head arrived; returns `false` to stop the transfer without its body.
    func begin(_ response: HTTPURLResponse) -> Bool
    /// A piece of the body arrived; returns `false` to stop the transfer.
    func receive(_ data: Data) -> Bool
}

/// Collects a body in memory, up to a limit.
final class BufferSink: BodySink {
    private let limit: Int
    private(set) var body = Data()
    /// Whether the body passed the limit (and the transfer was stopped).
    private(set) var overflowed = false

    init(limit: Int) { self.limit = limit }

    func begin(_ response: HTTPURLResponse) -> Bool { true }

    func receive(_ data: Data) -> Bool {
        guard body.count + data.count <= limit else {
            overflowed = true
            return false
        }
        body.append(data)
        return true
    }
}

/// What ``SessionRouter`` hands one task's events to.
protocol TransferEvents: AnyObject, Sendable {
    func begin(_ response: HTTPURLResponse) -> Bool
    func receive(_ data: Data) -> Bool
    func complete(_ error: (any Error)?)
}

/// One request's run: hands the response and body to a ``BodySink`` and resumes the waiting
/// task when the request ends.
///
/// Unchecked `Sendable`: the sink is touched only on the session's serial delegate queue while
/// the transfer runs, and the lock guards what crosses between that queue and the caller.
final class Transfer<Sink: BodySink>: TransferEvents, @unchecked Sendable {
    private let sink: Sink
    private struct State {
        var response: HTTPURLResponse?
        var failure: (any Error)?
        /// Whether the sink asked to stop, so that the cancellation which follows is no failure.
        var stoppedBySink = false
        var continuation: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    init(sink: Sink) { self.sink = sink }

    /// Sends `request` on the session for `idleTimeout` and waits for its end; cancelling the
    /// calling task cancels the request.
    func run(_ request: URLRequest, idleTimeout: TimeInterval) async -> HTTPTransport.Outcome {
        let (session, router) = SessionRouter.session(idleTimeout: idleTimeout)
        let task = session.dataTask(with: request)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                state.withLock { $0.continuation = continuation }
                router.register(self, for: task)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        return state.withLock { HTTPTransport.Outcome(response: $0.response, failure: $0.failure) }
    }

    func begin(_ response: HTTPURLResponse) -> Bool {
        state.withLock { $0.response = response }
        let proceed = sink.begin(response)
        if !proceed { state.withLock { $0.stoppedBySink = true } }
        return proceed
    }

    func receive(_ data: Data) -> Bool {
        let proceed = sink.receive(data)
        if !proceed { state.withLock { $0.stoppedBySink = true } }
        return proceed
    }

    func complete(_ error: (any Error)?) {
        let continuation = state.withLock { state in
            // A transfer the sink stopped ends as cancelled; the sink knows why, so that is no failure.
            if let error, !(state.stoppedBySink && HTTPTransport.urlErrorCode(error) == .cancelled) { state.failure = error }
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }
}
