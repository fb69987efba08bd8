import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The requests to the hub and the servers it redirects to.
///
/// No request follows redirects by itself: URLSession would carry the `Authorization` header to
/// the CDN host a redirect points at, so each caller follows `Location` on its own, and the
/// token goes only to requests whose origin is the endpoint's.
struct HTTPTransport: Sendable {
    /// The hub's address, an http or https URL with a host.
    let endpoint: URL
    /// The bearer token for the endpoint.
    let token: String?
    /// How long a request may wait for its answer or between two pieces of its body.
    let idleTimeout: TimeInterval

    /// A request for `url`: uncompressed (byte counts and ranges are of the file itself),
    /// with the token only when `url` is on the endpoint's origin.
    func request(_ url: URL, method: String = "GET", rangeStart: Int64 = 0) -> URLRequest {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: idleTimeout)
        request.httpMethod = method
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        request.setValue("llama-swift", forHTTPHeaderField: "User-Agent")
        if rangeStart > 0 { request.setValue("bytes=\(rangeStart)-", forHTTPHeaderField: "Range") }
        if let token, let origin = Self.origin(of: url), origin == Self.origin(of: endpoint) {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        return request
    }

    /// Scheme, host and port, the parts two URLs must share to be one origin.
    static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return "\(scheme)://\(host):\(port)"
    }

    /// The endpoint followed by `path`, which starts with `/` and is percent-encoded already.
    func endpointURL(_ path: String, query: String? = nil) -> URL {
        var text = endpoint.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if let query { text += "?" + query }
        // The endpoint parsed as a URL, and what follows is unreserved or percent-encoded.
        return URL(string: text)!
    }

    /// `text` with everything but the unreserved characters of RFC 3986 percent-encoded, `/` too:
    /// the hub takes a revision such as `refs/pr/1` as one path segment.
    static func percentEncoded(_ text: some StringProtocol) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? String(text)
    }

    /// A path in a repository with each of its `/`-separated components percent-encoded.
    static func encodedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { percentEncoded($0) }.joined(separator: "/")
    }

    /// A finished request's answer with its whole body.
    struct Reply: Sendable {
        let url: URL
        let response: HTTPURLResponse
        let body: Data

        var status: Int { response.statusCode }
        func header(_ name: String) -> String? { response.value(forHTTPHeaderField: name) }
    }

    /// How long a metadata request (a listing, a `HEAD`) may take at least, whatever
    /// ``idleTimeout`` says. FoundationNetworking on Linux can trap ("Received callback for HTTP
    /// redirection, but we're not waiting for it") when a request's state changes, as a time-out
    /// changes it, while its redirect waits for the delegate's answer on a busy machine; metadata
    /// requests are the ones the hub redirects, and a short idle timeout is for stalled bodies.
    static let metadataTimeout: TimeInterval = 60

    /// Sends `request` and collects its body, up to `bodyLimit` bytes; a redirect is returned as it came.
    func fetch(_ request: URLRequest, bodyLimit: Int = 64 << 20) async throws(HubError) -> Reply {
        let url = request.url!
        let sink = BufferSink(limit: bodyLimit)
        let timeout = max(idleTimeout, Self.metadataTimeout)
        var request = request
        request.timeoutInterval = timeout
        let outcome = await Transfer(sink: sink).run(request, idleTimeout: timeout)
        if sink.overflowed {
            throw .invalidResponse(url: url.absoluteString, reason: "the body is larger than \(bodyLimit) bytes")
        }
        if let failure = outcome.failure { throw .transport(url: url.absoluteString, reason: Self.describe(failure, timeout: timeout)) }
        guard let response = outcome.response else {
            throw .invalidResponse(url: url.absoluteString, reason: "no HTTP response")
        }
        return Reply(url: url, response: response, body: sink.body)
    }

    /// How one transfer ended: the response head, if one came, and the error that ended it, if any.
    struct Outcome {
        let response: HTTPURLResponse?
        let failure: (any Error)?
    }

    /// Runs `request` to its end, handing its response head and body to `sink`; cancelling the
    /// calling task cancels the request.
    func perform(_ request: URLRequest, into sink: some BodySink) async -> Outcome {
        await Transfer(sink: sink).run(request, idleTimeout: idleTimeout)
    }

    /// Words for a transfer error, for the messages of ``HubError``.
    static func describe(_ error: any Error, timeout: TimeInterval) -> String {
        guard let code = urlErrorCode(error) else { return "\(error)" }
        switch code {
        case .timedOut:
            let seconds = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
            return "nothing arrived for \(seconds) seconds"
        case .cancelled: return "cancelled"
        case .cannotConnectToHost: return "cannot connect to the host"
        case .cannotFindHost, .dnsLookupFailed: return "cannot resolve the host name"
        case .notConnectedToInternet: return "not connected to the internet"
        case .networkConnectionLost: return "the connection was lost"
        default:
            let text = (error as NSError).localizedDescription
            return text.isEmpty || text == "(null)" ? "URL error \(code.rawValue)" : text
        }
    }

    /// The URL loading error code of `error`, read from its domain and code so that it does not
    /// depend on how a platform bridges `NSError` to `URLError`.
    static func urlErrorCode(_ error: any Error) -> URLError.Code? {
        let error = error as NSError
        return error.domain == NSURLErrorDomain ? URLError.Code(rawValue: error.code) : nil
    }
}
