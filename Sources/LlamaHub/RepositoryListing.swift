import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One entry of the hub's tree listing, `GET /api/models/{repo}/tree/{revision}`.
struct RepositoryEntry: Decodable, Sendable, Equatable {
    /// `"file"` or `"directory"`.
    var type: String
    /// The path in the repository.
    var path: String
    var size: Int64?
    /// For a file stored in Git LFS: its object id, which is the file's SHA-256.
    var lfs: LFS?

    struct LFS: Decodable, Sendable, Equatable {
        var oid: String
        var size: Int64?
    }
}

extension HTTPTransport {
    /// The most pages of a listing that are read; a repository with more is not a model repository.
    static let maximumListingPages = 100

    /// Every entry of the repository at the reference's revision, all folders included, read
    /// page by page along the `Link: <…>; rel="next"` headers.
    func listFiles(of reference: HubModelReference) async throws(HubError) -> [RepositoryEntry] {
        // The repository needs no encoding: a reference allows only unreserved characters in it.
        var url = endpointURL("/api/models/\(reference.repository)/tree/\(Self.percentEncoded(reference.revision))", query: "recursive=true")
        var entries: [RepositoryEntry] = []
        for _ in 0..<Self.maximumListingPages {
            let reply = try await fetch(request(url))
            switch reply.status {
            case 200: break
            case 404: throw .notFound(repository: reference.repository, revision: reference.revision, file: nil, url: url.absoluteString)
            default: throw .httpStatus(url: url.absoluteString, status: reply.status)
            }
            do {
                entries += try JSONDecoder().decode([RepositoryEntry].self, from: reply.body)
            } catch {
                throw .invalidResponse(url: url.absoluteString, reason: "the file listing is not a JSON array of entries: \(error)")
            }
            guard let next = reply.header("Link").flatMap(Self.nextLink), let nextURL = URL(string: next, relativeTo: url) else {
                return entries
            }
            url = nextURL.absoluteURL
        }
        throw .invalidResponse(url: url.absoluteString, reason: "the file listing has more than \(Self.maximumListingPages) pages")
    }

    /// The target of the `rel="next"` link in a `Link` header (RFC 8288), if there is one.
    static func nextLink(in header: String) -> String? {
        for link in header.split(separator: ",") {
            let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == "rel" else { return false }
                let relations = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return relations.lowercased().split(separator: " ").contains("next")
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }
}
