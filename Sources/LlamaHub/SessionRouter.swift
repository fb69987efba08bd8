import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The delegate of the hub's URLSessions: passes each task's events to its ``Transfer``, and
/// refuses every redirect, which the callers follow themselves to choose who gets the token.
///
/// The sessions live as long as the process, one per idle timeout: on Linux, tearing down a
/// URLSession while its sockets close races inside FoundationNetworking, so none is torn down.
final class SessionRouter: NSObject, URLSessionDataDelegate, Sendable {
    private let transfers = Mutex<[Int: any TransferEvents]>([:])

    private static let sessions = Mutex<[TimeInterval: (URLSession, SessionRouter)]>([:])

    /// The session whose requests time out after `idleTimeout` seconds without data, and its router.
    static func session(idleTimeout: TimeInterval) -> (URLSession, SessionRouter) {
        sessions.withLock { sessions in
            if let existing = sessions[idleTimeout] { return existing }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = idleTimeout
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.urlCache = nil
            configuration.httpShouldSetCookies = false
            configuration.httpCookieAcceptPolicy = .never
            // One queue at a time: a task's events must arrive in order.
            let queue = OperationQueue()
            queue.maxConcurrentOperationCount = 1
            let router = SessionRouter()
            let made = (URLSession(configuration: configuration, delegate: router, delegateQueue: queue), router)
            sessions[idleTimeout] = made
            return made
        }
    }

    /// Sends `task`'s events to `transfer` until it completes; call before resuming the task.
    func register(_ transfer: any TransferEvents, for task: URLSessionTask) {
        transfers.withLock { $0[task.taskIdentifier] = transfer }
    }

    private func transfer(of task: URLSessionTask) -> (any TransferEvents)? {
        transfers.withLock { $0[task.taskIdentifier] }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let http = response as? HTTPURLResponse, let transfer = transfer(of: dataTask) else {
            completionHandler(.cancel)
            return
        }
        completionHandler(transfer.begin(http) ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if transfer(of: dataTask)?.receive(data) == false { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let transfer = transfers.withLock { $0.removeValue(forKey: task.taskIdentifier) }
        transfer?.complete(error)
    }
}
