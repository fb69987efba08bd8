import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LlamaServer
import Logging

/// A server on a free loopback port for the duration of `body`.
func withTestServer<T: Sendable>(
    engine: any CompletionEngine, configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (TestClient) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configure(&configuration)
    var logger = Logger(label: "LlamaServerTests")
    // Stopping the server by cancellation logs errors that say nothing about the tests.
    logger.logLevel = .critical
    let server = OpenAIServer(engine: engine, configuration: configuration, logger: logger)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await server.run(handleSignals: false) { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw TestClient.Failure.serverDidNotStart
        }
        defer { group.cancelAll() }
        return try await body(TestClient(port: port))
    }
}

/// Plain HTTP requests to the test server.
struct TestClient: Sendable {
    enum Failure: Error { case serverDidNotStart, notHTTP }

    let port: Int
    private let session: URLSession

    init(port: Int) {
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 32
        // Generous: model tests running beside these can keep every core busy for minutes.
        configuration.timeoutIntervalForRequest = 600
        session = URLSession(configuration: configuration)
    }

    /// Sends a request and returns the status and body.
    func send(_ method: String, _ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure.notHTTP }
        return (http.statusCode, data)
    }

    /// POSTs the JSON object `json` and parses the answer as a JSON object.
    func post(_ path: String, _ json: [String: Any]) async throws -> (status: Int, json: [String: Any]) {
        let (status, data) = try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json))
        return (status, try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
    }

    /// POSTs `json` to `/v1/completions` and returns the text of a 200 answer, `nil` for another status.
    func completionText(_ json: [String: Any]) async throws -> String? {
        let (status, answer) = try await post("/v1/completions", json)
        return status == 200 ? answer.firstChoice?["text"] as? String : nil
    }

    /// POSTs `json` with `stream: true` and returns the events' JSON objects and whether the
    /// stream ended with `data: [DONE]`.
    func stream(_ path: String, _ json: [String: Any]) async throws -> (status: Int, events: [[String: Any]], done: Bool) {
        var json = json
        json["stream"] = true
        let (status, data) = try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json))
        let parsed = try ServerSentEventParser.parse(String(decoding: data, as: UTF8.self))
        return (status, parsed.events, parsed.done)
    }
}

/// Reads a `text/event-stream` body.
enum ServerSentEventParser {
    struct Malformed: Error { let text: String }

    static func parse(_ text: String) throws -> (events: [[String: Any]], done: Bool) {
        var events: [[String: Any]] = []
        var done = false
        for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
            guard block.hasPrefix("data: "), !done else { throw Malformed(text: block) }
            let payload = block.dropFirst("data: ".count)
            if payload == "[DONE]" {
                done = true
                continue
            }
            guard let object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
                throw Malformed(text: block)
            }
            events.append(object)
        }
        return (events, done)
    }
}

extension [String: Any] {
    /// The first choice of a response or chunk.
    var firstChoice: [String: Any]? { (self["choices"] as? [[String: Any]])?.first }
    /// The `error` object of an error body.
    var error: [String: Any]? { self["error"] as? [String: Any] }
}
