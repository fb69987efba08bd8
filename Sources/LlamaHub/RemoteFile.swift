import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the hub says about a file before it is downloaded: where its bytes are, and the size
/// and SHA-256 they must have.
struct RemoteFile: Sendable, Equatable {
    /// Where to `GET` the bytes: the CDN location the hub redirects to, or the resolve URL itself.
    var downloadURL: URL
    /// The expected SHA-256 in lowercase hex, when the hub gave one.
    var sha256: String?
    /// The expected size in bytes, when the hub gave one.
    var size: Int64?
    /// The commit the revision resolved to (`X-Repo-Commit`).
    var commit: String?
}

extension HTTPTransport {
    /// The most redirects followed, by a metadata request or by a download.
    static let maximumRedirects = 5

    /// `{endpoint}/{repo}/resolve/{revision}/{file}`.
    func resolveURL(_ reference: HubModelReference, file: String) -> URL {
        endpointURL("/\(reference.repository)/resolve/\(Self.percentEncoded(reference.revision))/\(Self.encodedPath(file))")
    }

    /// Asks the hub about `file` with `HEAD` on its resolve URL.
    ///
    /// The hub answers an LFS file with a redirect to its CDN carrying `X-Linked-Etag` (the
    /// SHA-256) and `X-Linked-Size`, which is taken as is rather than followed; a redirect to
    /// the hub itself without them (a renamed repository) is followed. A file served directly
    /// answers 200 with its `Content-Length`.
    func remoteFile(_ reference: HubModelReference, file: String) async throws(HubError) -> RemoteFile {
        var url = resolveURL(reference, file: file)
        for _ in 0...Self.maximumRedirects {
            let reply = try await fetch(request(url, method: "HEAD"))
            let linkedSHA256 = reply.header("X-Linked-Etag").flatMap(Self.sha256FromETag)
            let linkedSize = reply.header("X-Linked-Size").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            let commit = reply.header("X-Repo-Commit")
            switch reply.status {
            case 200:
                let size = linkedSize ?? reply.header("Content-Length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
                return RemoteFile(downloadURL: url, sha256: linkedSHA256, size: size, commit: commit)
            case 301, 302, 303, 307, 308:
                let target = try Self.redirectTarget(reply.header("Location"), status: reply.status, from: url)
                let isLinked = reply.header("X-Linked-Etag") != nil || reply.header("X-Linked-Size") != nil
                if isLinked || Self.origin(of: target) != Self.origin(of: endpoint) {
                    return RemoteFile(downloadURL: target, sha256: linkedSHA256, size: linkedSize, commit: commit)
                }
                url = target
            case 404:
                throw .notFound(repository: reference.repository, revision: reference.revision, file: file, url: url.absoluteString)
            default:
                throw .httpStatus(url: url.absoluteString, status: reply.status)
            }
        }
        throw .invalidResponse(url: url.absoluteString, reason: "more than \(Self.maximumRedirects) redirects")
    }

    /// The absolute URL a redirect's `Location` (which may be relative to `url`) points at.
    static func redirectTarget(_ location: String?, status: Int, from url: URL) throws(HubError) -> URL {
        guard let location, let target = URL(string: location, relativeTo: url) else {
            throw .invalidResponse(url: url.absoluteString, reason: "HTTP \(status) without a usable Location header")
        }
        return target.absoluteURL
    }

    /// The SHA-256 an ETag carries (`"…"` or `W/"…"`), lowercased, when it is 64 hex digits.
    static func sha256FromETag(_ etag: String) -> String? {
        var text = Substring(etag.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        return isSHA256(text) ? text.lowercased() : nil
    }

    /// Whether `text` is 64 hexadecimal digits.
    static func isSHA256(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.allSatisfy(\.isHexDigit)
    }
}
