import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One file's way into the cache: ask the hub for its size and SHA-256, resume or start its
/// `.partial` file, stream the rest of it, check it, and give it its final name.
struct Download {
    private static let logger = Logger(label: "LlamaSwift.Hub")

    let transport: HTTPTransport
    let reference: HubModelReference
    /// The path of the file in the repository.
    let file: String
    let cache: HubCache
    /// The file's entry in the tree listing, when it was listed: its LFS object id (the SHA-256)
    /// and size stand in for what the hub's `HEAD` answer lacks.
    let listed: RepositoryEntry?
    let progress: (@Sendable (HubDownloadProgress) -> Void)?

    /// Downloads the file and returns its path in the cache.
    func run() async throws(HubError) -> String {
        let remote = try await transport.remoteFile(reference, file: file)
        let listedSHA256 = listed?.lfs.map(\.oid).flatMap { HTTPTransport.isSHA256($0) ? $0.lowercased() : nil }
        let expectedSHA256 = remote.sha256 ?? listedSHA256
        if expectedSHA256 == nil {
            Self.logger.notice("the hub gives no sha256 for \(file) of \(reference.repository); only its size is checked")
        }
        let partial = try PartialFile(at: cache.partialLocation(of: file))
        let reporter = ProgressReporter(file: file, progress: progress)
        var hasher = SHA256()
        var total = remote.size ?? listed?.lfs?.size ?? listed?.size
        if let size = total, partial.size > size {
            Self.logger.notice("\(partial.location.path) is larger than the file (\(size) bytes); starting over")
            try partial.truncate()
        } else if partial.size > 0 {
            Self.logger.info("resuming \(file) of \(reference.repository) from byte \(partial.size)")
            hasher = try partial.hashContents()
        }
        if total == nil || partial.size < total! {
            let commit = remote.commit.map { " (commit \($0))" } ?? ""
            Self.logger.info("downloading \(file) of \(reference.repository)\(commit) from \(remote.downloadURL.absoluteString)")
            (hasher, total) = try await transfer(from: remote.downloadURL, into: partial, hasher: hasher, total: total, reporter: reporter)
        }
        if let total, partial.size != total {
            partial.remove()
            throw .sizeMismatch(repository: reference.repository, file: file, expected: total, actual: partial.size)
        }
        if let expectedSHA256 {
            let actual = hasher.hexDigest()
            guard actual == expectedSHA256 else {
                partial.remove()
                throw .checksumMismatch(repository: reference.repository, file: file, expected: expectedSHA256, actual: actual)
            }
        }
        let final = cache.location(of: file)
        try partial.finish(as: final)
        reporter.report(partial.size, total)
        Self.logger.info("downloaded \(file) of \(reference.repository) to \(final.path)")
        return final.path
    }

    /// GETs the rest of the file into `partial` from `url`, following redirects (with the token
    /// only on the endpoint's origin), and starting over once when the server cannot serve the
    /// range the partial file needs. Returns the hash of the whole file and its size, when known.
    private func transfer(
        from url: URL, into partial: PartialFile, hasher: SHA256, total: Int64?, reporter: ProgressReporter
    ) async throws(HubError) -> (SHA256, Int64?) {
        var url = url, hasher = hasher
        var redirects = 0, restarted = false
        while true {
            let sink = DownloadSink(file: partial, hasher: hasher, totalBytes: total, reportProgress: reporter.report)
            let requestedFrom = partial.size
            let outcome = await transport.perform(transport.request(url, rangeStart: requestedFrom), into: sink)
            if let failure = sink.writeFailure { throw failure }
            let status = outcome.response?.statusCode
            switch sink.start {
            case .whole, .resumed:
                if let failure = outcome.failure {
                    throw .interrupted(
                        repository: reference.repository, file: file, receivedBytes: partial.size, totalBytes: sink.totalBytes,
                        partialPath: partial.location.path, reason: HTTPTransport.describe(failure, timeout: transport.idleTimeout))
                }
                return (sink.hasher, sink.totalBytes)
            case .wrongRange(let contentRange):
                guard !restarted else {
                    throw .invalidResponse(
                        url: url.absoluteString,
                        reason: "HTTP 206 with Content-Range '\(contentRange ?? "(none)")' for bytes from \(requestedFrom)")
                }
                Self.logger.notice("\(url.absoluteString) sent Content-Range '\(contentRange ?? "(none)")' for bytes from \(requestedFrom); starting over")
                try partial.truncate()
                hasher = SHA256()
                restarted = true
            case .other where status == 416 && !restarted:
                Self.logger.notice("\(url.absoluteString) cannot serve bytes from \(requestedFrom); starting over")
                try partial.truncate()
                hasher = SHA256()
                restarted = true
            case .other:
                let response = outcome.response!
                switch response.statusCode {
                case 301, 302, 303, 307, 308:
                    redirects += 1
                    guard redirects <= HTTPTransport.maximumRedirects else {
                        throw .invalidResponse(url: url.absoluteString, reason: "more than \(HTTPTransport.maximumRedirects) redirects")
                    }
                    url = try HTTPTransport.redirectTarget(response.value(forHTTPHeaderField: "Location"), status: response.statusCode, from: url)
                case 404:
                    throw .notFound(repository: reference.repository, revision: reference.revision, file: file, url: url.absoluteString)
                default:
                    throw .httpStatus(url: url.absoluteString, status: response.statusCode)
                }
            case .none:
                let reason = outcome.failure.map { HTTPTransport.describe($0, timeout: transport.idleTimeout) } ?? "no HTTP response"
                throw .transport(url: url.absoluteString, reason: reason)
            }
        }
    }
}

/// Hands progress to the caller's callback, never the same count twice in a row.
private final class ProgressReporter {
    private let file: String
    private let progress: (@Sendable (HubDownloadProgress) -> Void)?
    private var lastReceived: Int64?

    init(file: String, progress: (@Sendable (HubDownloadProgress) -> Void)?) {
        self.file = file
        self.progress = progress
    }

    func report(_ received: Int64, _ total: Int64?) {
        guard let progress, received != lastReceived else { return }
        lastReceived = received
        progress(HubDownloadProgress(file: file, receivedBytes: received, totalBytes: total))
    }
}
