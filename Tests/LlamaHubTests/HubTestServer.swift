import Foundation
@testable import LlamaHub
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stand-in for the Hugging Face hub and its CDN, on 127.0.0.1 with POSIX sockets.
///
/// It answers the tree listing (`/api/models/{repo}/tree/{rev}`, paged along `Link` headers
/// when ``Behaviour/treePageSize`` is set), `HEAD`/`GET` on `/{repo}/resolve/{rev}/{file}` with a
/// 302 to `/cdn/{sha256}` and the `X-Linked-*` headers, and the CDN path honouring `Range`.
/// Every request is recorded. Each connection runs on its own thread and gets one answer,
/// sent with `Connection: close`.
final class HubTestServer: Sendable {
    /// A file of a served repository.
    struct ServedFile: Sendable {
        let path: String
        let bytes: [UInt8]
        let sha256: String

        init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
            sha256 = HubTestServer.sha256(bytes)
        }

        /// `size` bytes drawn from a seeded generator.
        static func random(_ path: String, size: Int, seed: UInt64) -> ServedFile {
            ServedFile(path: path, bytes: TestData.randomBytes(size, seed: seed))
        }
    }

    /// One request as it arrived.
    struct Request: Sendable, Equatable {
        let method: String
        /// The request target, query included.
        let target: String
        let range: String?
        let authorization: String?
    }

    /// How the server misbehaves, or imitates the hub's variants.
    struct Behaviour: Sendable {
        /// The next CDN body stops after this many bytes (its `Content-Length` still says the whole), once.
        var cutAfter: Int?
        /// The next CDN body sends this many bytes and then nothing more until the client hangs up, once.
        var stallAfter: Int?
        /// CDN bodies have one byte changed, so their sha256 is not the one the hub announced.
        var corrupt = false
        /// The CDN answers 200 with the whole file whatever `Range` asks for.
        var ignoresRange = false
        /// Hub paths (listing, resolve) answer 401 unless `Authorization: Bearer <token>` comes with them.
        var requiredToken: String?
        /// The listing's page size; `nil` lists everything at once.
        var treePageSize: Int?
        /// `scheme://host:port` of another server that serves the CDN; `nil` redirects to a relative `/cdn/…`.
        var cdnOrigin: String?
        /// Resolve URLs answer 200 with the bytes (as the hub does for files outside LFS), with no `X-Linked-*` headers.
        var servesDirectly = false
    }

    private struct State {
        var repositories: [String: [ServedFile]] = [:]
        var behaviour = Behaviour()
        var requests: [Request] = []
        var stopped = false
    }

    /// The lowercase hex SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.hexDigest()
    }

    /// A commit id for `X-Repo-Commit`.
    static let commit = "0123456789abcdef0123456789abcdef01234567"

    private let state = Mutex(State())
    private let listener: Int32
    /// The port it listens on.
    let port: Int

    /// `http://127.0.0.1:PORT`.
    var origin: String { "http://127.0.0.1:\(port)" }

    struct SocketError: Error, CustomStringConvertible {
        let step: String
        let code: Int32
        var description: String { "\(step): \(String(cString: strerror(code)))" }
    }

    /// Listens on an ephemeral port of 127.0.0.1 and starts accepting connections.
    init() throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketError(step: "socket", code: errno) }
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            let code = errno
            close(descriptor)
            throw SocketError(step: "bind/listen", code: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(descriptor)
            throw SocketError(step: "getsockname", code: code)
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptConnections() }
        thread.start()
    }

    /// Stops accepting connections and ends stalled answers; the accepting thread closes the
    /// socket as it ends.
    func stop() {
        state.withLock { $0.stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    func addRepository(_ repository: String, files: [ServedFile]) {
        state.withLock { $0.repositories[repository] = files }
    }

    func configure(_ change: (inout Behaviour) -> Void) {
        state.withLock { change(&$0.behaviour) }
    }

    /// The requests so far, in the order they arrived.
    var requests: [Request] { state.withLock { $0.requests } }

    func clearRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    private func acceptConnections() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            #if canImport(Darwin)
            // Writing to a peer that hung up must not raise SIGPIPE, which would end the test process.
            var on: Int32 = 1
            setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
        close(listener)
    }

    // MARK: - One connection

    private struct Head {
        let method: String
        let target: String
        let headers: [String: String]
    }

    private func serve(_ connection: Int32) {
        defer {
            shutdown(connection, Int32(SHUT_RDWR))
            close(connection)
        }
        guard let head = readHead(connection) else { return }
        state.withLock {
            $0.requests.append(Request(
                method: head.method, target: head.target, range: head.headers["range"], authorization: head.headers["authorization"]))
        }
        respond(to: head, on: connection)
    }

    /// Reads up to the blank line that ends the request head (these requests have no body).
    private func readHead(_ connection: Int32) -> Head? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while received.count < 65536 {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[..<count]
            guard let end = received.firstRange(of: terminator) else { continue }
            let lines = String(decoding: received[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let requestLine = lines[0].split(separator: " ")
            guard requestLine.count == 3 else { return nil }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return Head(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
        }
        return nil
    }

    private struct Answer {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// How many body bytes to send before hanging up, when fewer than all.
        var cutAfter: Int?
        /// How many body bytes to send before going quiet, when fewer than all.
        var stallAfter: Int?
    }

    private func respond(to head: Head, on connection: Int32) {
        var answer = route(head)
        if !answer.headers.contains(where: { $0.0 == "Content-Length" }) {
            answer.headers.append(("Content-Length", String(answer.body.count)))
        }
        var text = "HTTP/1.1 \(answer.status) \(Self.reason(answer.status))\r\n"
        for (name, value) in answer.headers + [("Connection", "close")] { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        guard send(connection, Array(text.utf8)) else { return }
        guard head.method != "HEAD" else { return }
        if let stallAfter = answer.stallAfter {
            guard send(connection, Array(answer.body.prefix(stallAfter))) else { return }
            // Quiet until the client hangs up, which makes the socket readable, or the server
            // stops: however slow a loaded machine is, only the client or the test ends a stall.
            var descriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            while !state.withLock({ $0.stopped }) {
                let ready = poll(&descriptor, 1, 100)
                if ready > 0 || (ready < 0 && errno != EINTR) { return }
            }
            return
        }
        _ = send(connection, Array(answer.body.prefix(answer.cutAfter ?? answer.body.count)))
    }

    /// Sends all of `bytes`; `false` when the peer went away.
    private func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // On Linux MSG_NOSIGNAL, as SO_NOSIGPIPE on Apple platforms, keeps a peer that hung
            // up from raising SIGPIPE, which would end the test process.
            let sent = bytes.withUnsafeBytes { buffer in
                #if canImport(Glibc)
                Glibc.send(connection, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                Darwin.send(connection, buffer.baseAddress! + offset, buffer.count - offset, 0)
                #endif
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 302: "Found"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        default: "Status"
        }
    }

    // MARK: - Routes

    private func route(_ head: Head) -> Answer {
        let (repositories, behaviour) = state.withLock { ($0.repositories, $0.behaviour) }
        let parts = head.target.split(separator: "?", maxSplits: 1)
        let path = parts.first.map(String.init) ?? "/"
        let query = parts.count > 1 ? String(parts[1]) : ""
        let components = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }

        if components.first == "cdn", components.count == 2 {
            guard let file = repositories.values.joined().first(where: { $0.sha256 == components[1] }) else {
                return Answer(status: 404)
            }
            return serveBytes(of: file, head: head, behaviour: behaviour, headers: [])
        }
        if let token = behaviour.requiredToken, head.headers["authorization"] != "Bearer \(token)" {
            return Answer(status: 401, headers: [("X-Error-Code", "RepoNotFound")], body: Array("Invalid username or password.".utf8))
        }
        if components.count == 6, components[0] == "api", components[1] == "models", components[4] == "tree" {
            let repository = "\(components[2])/\(components[3])"
            guard let files = repositories[repository] else { return Answer(status: 404, headers: [("X-Error-Code", "RepoNotFound")]) }
            return listing(of: files, repository: repository, revision: components[5], query: query, behaviour: behaviour)
        }
        if components.count >= 5, components[2] == "resolve" {
            let repository = "\(components[0])/\(components[1])"
            guard let files = repositories[repository] else { return Answer(status: 404, headers: [("X-Error-Code", "RepoNotFound")]) }
            let name = components[4...].joined(separator: "/")
            guard let file = files.first(where: { $0.path == name }) else {
                return Answer(status: 404, headers: [("X-Error-Code", "EntryNotFound")])
            }
            if behaviour.servesDirectly {
                // Outside LFS the hub's ETag is the git blob id, which is not a sha256.
                let etag = "\"\(file.sha256.prefix(40))\""
                return serveBytes(of: file, head: head, behaviour: behaviour, headers: [("ETag", etag), ("X-Repo-Commit", Self.commit)])
            }
            return Answer(status: 302, headers: [
                ("Location", (behaviour.cdnOrigin ?? "") + "/cdn/\(file.sha256)"),
                ("X-Linked-Etag", "\"\(file.sha256)\""),
                ("X-Linked-Size", String(file.bytes.count)),
                ("X-Repo-Commit", Self.commit),
                ("ETag", "W/\"\(file.sha256)\""),
            ])
        }
        return Answer(status: 404)
    }

    /// The tree listing, a page of it when paging, with a `Link` to the next page.
    private func listing(of files: [ServedFile], repository: String, revision: String, query: String, behaviour: Behaviour) -> Answer {
        let cursor = query.split(separator: "&").compactMap { pair -> Int? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 && parts[0] == "cursor" ? Int(parts[1]) : nil
        }.first ?? 0
        var entries: [[String: Any]] = [["type": "directory", "path": "docs", "oid": Self.commit, "size": 0]]
        for file in files {
            var entry: [String: Any] = ["type": "file", "path": file.path, "size": file.bytes.count, "oid": String(file.sha256.prefix(40))]
            if file.path.hasSuffix(".gguf") { entry["lfs"] = ["oid": file.sha256, "size": file.bytes.count, "pointerSize": 134] }
            entries.append(entry)
        }
        let pageSize = behaviour.treePageSize ?? entries.count
        let page = Array(entries[min(cursor, entries.count)..<min(cursor + pageSize, entries.count)])
        var headers = [("Content-Type", "application/json")]
        if cursor + pageSize < entries.count {
            let next = "\(origin)/api/models/\(repository)/tree/\(revision)?recursive=true&cursor=\(cursor + pageSize)"
            headers.append(("Link", "<\(next)>; rel=\"next\""))
        }
        let body = (try? JSONSerialization.data(withJSONObject: page)) ?? Data()
        return Answer(status: 200, headers: headers, body: Array(body))
    }

    /// A file's bytes, or the range `bytes=N-` asks for, misbehaving as ``Behaviour`` says.
    private func serveBytes(of file: ServedFile, head: Head, behaviour: Behaviour, headers: [(String, String)]) -> Answer {
        var bytes = file.bytes
        if behaviour.corrupt, !bytes.isEmpty { bytes[bytes.count / 2] ^= 0xff }
        var answer = Answer(status: 200, headers: headers)
        if !behaviour.ignoresRange, let range = head.headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
           let first = Int(range.dropFirst(6).dropLast()) {
            guard first < bytes.count else {
                return Answer(status: 416, headers: [("Content-Range", "bytes */\(bytes.count)")])
            }
            answer.status = 206
            answer.headers.append(("Content-Range", "bytes \(first)-\(bytes.count - 1)/\(bytes.count)"))
            bytes = Array(bytes[first...])
        }
        answer.body = bytes
        if head.method == "GET" {
            state.withLock { state in
                if let cut = state.behaviour.cutAfter {
                    answer.cutAfter = cut
                    state.behaviour.cutAfter = nil
                } else if let stall = state.behaviour.stallAfter {
                    answer.stallAfter = stall
                    state.behaviour.stallAfter = nil
                }
            }
        }
        return answer
    }
}
