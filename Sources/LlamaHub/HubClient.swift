import Foundation
import Logging

/// Finds GGUF models on the Hugging Face hub and downloads them into a local cache, resumably
/// and checked against the size and SHA-256 the hub gives.
///
/// ```swift
/// let hub = HubClient()                                  // HF_ENDPOINT, HF_TOKEN, LLAMA_SWIFT_CACHE
/// let reference = try HubModelReference("bartowski/SmolLM2-135M-Instruct-GGUF:Q8_0")
/// let path = try await hub.modelFile(reference) { print($0.receivedBytes, $0.totalBytes ?? -1) }
/// ```
///
/// The cache, under ``cacheDirectory``, holds one folder per repository and revision:
///
/// ```
/// {cache}/{owner}--{name}/{revision}/{file}          a complete file whose size and sha256 were checked
/// {cache}/{owner}--{name}/{revision}/{file}.partial  a download under way or interrupted; the next one resumes it
/// {cache}/{owner}--{name}/{revision}/.choices.json   which file each quantization, and the default, resolved to
/// ```
///
/// A file at its final name is complete, so a later call for the same reference returns it
/// without any request; a `/` in a revision (`refs/pr/1`) is written `%2F` in the folder name.
public struct HubClient: Sendable {
    private static let logger = Logger(label: "LlamaSwift.Hub")

    /// The hub used when `HF_ENDPOINT` is not set.
    public static let defaultEndpoint = URL(string: "https://huggingface.co")!

    /// The hub's address: `HF_ENDPOINT`, else ``defaultEndpoint``.
    public var endpoint: URL
    /// The access token (`HF_TOKEN`) for private and gated repositories. It is sent as
    /// `Authorization: Bearer …` to the endpoint's origin only, never to the hosts it redirects
    /// downloads to.
    public var token: String?
    /// The cache's root folder: `LLAMA_SWIFT_CACHE`, else `$XDG_CACHE_HOME/llama-swift`, else
    /// `~/.cache/llama-swift` (`~/Library/Caches/llama-swift` on Apple platforms).
    public var cacheDirectory: URL
    /// Whether to use only the cache: no request is made, and a model it lacks is an error.
    public var offline: Bool
    /// How long a request may wait for its answer, or between two pieces of a download's body;
    /// FoundationNetworking on Linux counts it in whole seconds, dropping a fraction.
    var idleTimeout: TimeInterval = 60

    /// A client configured from `environment`: `HF_ENDPOINT`, `HF_TOKEN`, `LLAMA_SWIFT_CACHE`,
    /// `XDG_CACHE_HOME` and `HOME`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, offline: Bool = false) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        if let text = value("HF_ENDPOINT") {
            var trimmed = text
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            if let url = URL(string: trimmed) {
                endpoint = url
            } else {
                Self.logger.warning("HF_ENDPOINT '\(text)' is not a URL; using \(Self.defaultEndpoint.absoluteString)")
                endpoint = Self.defaultEndpoint
            }
        } else {
            endpoint = Self.defaultEndpoint
        }
        token = value("HF_TOKEN")
        if let path = value("LLAMA_SWIFT_CACHE") {
            cacheDirectory = URL(fileURLWithPath: path, isDirectory: true)
        } else if let path = value("XDG_CACHE_HOME"), path.hasPrefix("/") {
            // The XDG base directory specification ignores a relative XDG_CACHE_HOME.
            cacheDirectory = URL(fileURLWithPath: path, isDirectory: true).appendingPathComponent("llama-swift", isDirectory: true)
        } else {
            let home = URL(fileURLWithPath: value("HOME") ?? NSHomeDirectory(), isDirectory: true)
            #if canImport(Darwin)
            cacheDirectory = home.appendingPathComponent("Library/Caches/llama-swift", isDirectory: true)
            #else
            cacheDirectory = home.appendingPathComponent(".cache/llama-swift", isDirectory: true)
            #endif
        }
        self.offline = offline
    }

    /// The local path of the model file, downloading it into the cache when it is not there.
    ///
    /// With ``HubModelReference/file`` that file is used; otherwise the repository's listing
    /// is searched for the quantization (see ``HubModelReference/quantization``), and the choice
    /// is remembered so that the next call needs no request. A download resumes from the
    /// `.partial` file an interrupted one left, and is checked against the size and SHA-256
    /// the hub gives before it takes its final name.
    /// - Parameter progress: Called as the download advances (see ``HubDownloadProgress``), on a
    ///   background queue, one report at a time; not called when the cache already has the file.
    /// - Throws: ``HubError``, naming the reference, the file, the URL or the cache path at fault.
    public func modelFile(
        _ reference: HubModelReference, progress: (@Sendable (HubDownloadProgress) -> Void)? = nil
    ) async throws(HubError) -> String {
        let cache = HubCache(root: cacheDirectory, reference: reference)
        if let file = reference.file {
            if let path = cache.completeFile(file) { return path }
            guard !offline else { throw .notInCache(reference: reference.description, cachePath: cache.location(of: file).path) }
            let transport = try makeTransport()
            return try await Download(
                transport: transport, reference: reference, file: file, cache: cache, listed: nil, progress: progress
            ).run()
        }
        if let file = cache.choice(for: reference.quantization), let path = cache.completeFile(file) { return path }
        guard !offline else { throw .notInCache(reference: reference.description, cachePath: cache.directory.path) }
        let transport = try makeTransport()
        // A path the reference would refuse (`..`, a leading `/`) cannot be a file in the cache.
        let entries = try await transport.listFiles(of: reference).filter {
            $0.type == "file" && HubModelReference.problem(inFile: $0.path) == nil
        }
        let file = try FileSelection.choose(
            from: entries.map(\.path), quantization: reference.quantization, repository: reference.repository)
        Self.logger.info("\(reference) resolves to \(file)")
        let path: String
        if let cached = cache.completeFile(file) {
            path = cached
        } else {
            path = try await Download(
                transport: transport, reference: reference, file: file, cache: cache, listed: entries.first { $0.path == file },
                progress: progress
            ).run()
        }
        try cache.recordChoice(file, for: reference.quantization)
        return path
    }

    /// The requests to ``endpoint``, once it is known to be an http or https URL with a host.
    private func makeTransport() throws(HubError) -> HTTPTransport {
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = endpoint.host, !host.isEmpty else {
            throw .invalidEndpoint(endpoint.absoluteString)
        }
        return HTTPTransport(endpoint: endpoint, token: token, idleTimeout: idleTimeout)
    }
}
