/// Everything that can go wrong when finding or downloading a model on the hub.
///
/// Each case names what a user needs to fix the problem: the reference, the repository and file,
/// the URL and its HTTP status, the digests that differ, or the path in the cache.
public enum HubError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model reference, its file or its revision is malformed; `reason` says how.
    case invalidReference(reference: String, reason: String)
    /// The hub endpoint (`HF_ENDPOINT`) is not an http or https URL with a host.
    case invalidEndpoint(String)
    /// The client is offline and the cache does not hold the model; `cachePath` is where it was looked for.
    case notInCache(reference: String, cachePath: String)
    /// The hub answered 404: the repository (`file` is `nil`), its revision, or the file does not exist.
    case notFound(repository: String, revision: String, file: String?, url: String)
    /// A URL answered with an HTTP status that is neither success nor a redirect.
    case httpStatus(url: String, status: Int)
    /// An answer could not be understood: a listing that is not JSON, a redirect without `Location`.
    case invalidResponse(url: String, reason: String)
    /// No GGUF file of the repository matches the quantization (`nil`: the repository has no model
    /// file at all); `available` lists the repository's `.gguf` files.
    case noMatchingFile(repository: String, quantization: String?, available: [String])
    /// The only match is a model split over several files (`…-00001-of-00003.gguf`); `file` is its first part.
    case splitModelUnsupported(repository: String, file: String)
    /// The downloaded bytes do not have the SHA-256 the hub gave; the download was deleted.
    case checksumMismatch(repository: String, file: String, expected: String, actual: String)
    /// The download does not have the size the hub gave; it was deleted.
    case sizeMismatch(repository: String, file: String, expected: Int64, actual: Int64)
    /// The transfer stopped before the end; the bytes so far are kept at `partialPath`, and the
    /// next attempt resumes from there.
    case interrupted(repository: String, file: String, receivedBytes: Int64, totalBytes: Int64?, partialPath: String, reason: String)
    /// A request got no answer: the host is unreachable, the connection failed, or it timed out.
    case transport(url: String, reason: String)
    /// Reading or writing the cache failed at `path`.
    case fileSystem(path: String, reason: String)

    /// The message for a user: what is wrong, naming it, and what to do about it where that is clear.
    public var description: String {
        switch self {
        case .invalidReference(let reference, let reason):
            "invalid model reference '\(reference)': \(reason)"
        case .invalidEndpoint(let endpoint):
            "invalid hub endpoint '\(endpoint)': HF_ENDPOINT must be an http or https URL, such as https://huggingface.co"
        case .notInCache(let reference, let cachePath):
            "\(reference) is not in the cache (\(cachePath)) and offline mode forbids downloading it; run once online to download it"
        case .notFound(let repository, let revision, nil, let url):
            "repository '\(repository)' (revision '\(revision)') not found on the hub: \(url) answered HTTP 404"
        case .notFound(let repository, let revision, let file?, let url):
            "file '\(file)' not found in repository '\(repository)' at revision '\(revision)': \(url) answered HTTP 404"
        case .httpStatus(let url, let status) where status == 401 || status == 403:
            "\(url) answered HTTP \(status): the repository is private or gated (or does not exist); set HF_TOKEN to a Hugging Face access token that can read it"
        case .httpStatus(let url, 429):
            "\(url) answered HTTP 429: too many requests; wait and retry, or set HF_TOKEN to be rate-limited as a user"
        case .httpStatus(let url, let status):
            "\(url) answered HTTP \(status)"
        case .invalidResponse(let url, let reason):
            "unexpected answer from \(url): \(reason)"
        case .noMatchingFile(let repository, _, let available) where available.isEmpty:
            "repository '\(repository)' has no .gguf files"
        case .noMatchingFile(let repository, let quantization?, let available):
            "no GGUF file in '\(repository)' matches quantization '\(quantization)'; its .gguf files: \(available.joined(separator: ", "))"
        case .noMatchingFile(let repository, nil, let available):
            "repository '\(repository)' has no model GGUF file (projector files are not models); its .gguf files: \(available.joined(separator: ", "))"
        case .splitModelUnsupported(let repository, let file):
            "'\(file)' in '\(repository)' is one part of a model split over several files, which is not supported; choose a quantization that is a single file"
        case .checksumMismatch(let repository, let file, let expected, let actual):
            "checksum mismatch for '\(file)' from '\(repository)': expected sha256 \(expected), got \(actual); the download was deleted"
        case .sizeMismatch(let repository, let file, let expected, let actual):
            "size mismatch for '\(file)' from '\(repository)': expected \(expected) bytes, got \(actual); the download was deleted"
        case .interrupted(let repository, let file, let received, let total, let partialPath, let reason):
            "download of '\(file)' from '\(repository)' interrupted after \(received)\(total.map { " of \($0)" } ?? "") bytes: \(reason); "
                + "the partial file \(partialPath) is kept and the next attempt resumes from it"
        case .transport(let url, let reason):
            "could not fetch \(url): \(reason)"
        case .fileSystem(let path, let reason):
            "\(path): \(reason)"
        }
    }
}
