import Foundation
import LlamaServer
import Testing

@Suite("Slots, the waiting queue, load and disconnects")
struct ConcurrencyTests {
    /// Polls `condition` every 10 ms for up to 2 minutes (other tests may be keeping the cores busy).
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<12_000 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("with every slot busy and the queue full, a request gets 503; queued ones finish later")
    func overload() async throws {
        let gate = Gate()
        let engine = FakeEngine(gate: gate)
        try await withTestServer(engine: engine, configure: { $0.parallel = 1; $0.queueLimit = 1 }) { client in
            let first = Task { try await client.completionText(["prompt": "first one", "max_tokens": 5]) }
            #expect(try await eventually { engine.counters.withLock { $0.started } == 1 })
            let second = Task { try await client.completionText(["prompt": "second one", "max_tokens": 5]) }
            #expect(try await eventually {
                let health = try await client.send("GET", "/health")
                let json = try JSONSerialization.jsonObject(with: health.body) as? [String: Any]
                return json?["queued"] as? Int == 1
            })
            let refused = try await client.post("/v1/completions", ["prompt": "third", "max_tokens": 5])
            #expect(refused.status == 503)
            #expect(refused.json.error?["code"] as? String == "server_overloaded")
            #expect(engine.counters.withLock { $0.started } == 1)

            await gate.open()
            #expect(try await first.value == "one first ")
            #expect(try await second.value == "one second ")
            #expect(engine.counters.withLock { $0.mostRunning } == 1)
        }
    }

    @Test("8 streaming clients × 20 requests: every answer complete and correct, at most --parallel at once")
    func load() async throws {
        let engine = FakeEngine(delay: .milliseconds(1))
        try await withTestServer(engine: engine, configure: { $0.parallel = 2 }) { client in
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                for clientIndex in 0..<8 {
                    group.addTask {
                        var failures = 0
                        for requestIndex in 0..<20 {
                            let prompt = "client \(clientIndex) request \(requestIndex) says hi"
                            let answer = try await client.stream("/v1/completions", ["prompt": prompt, "max_tokens": 6])
                            let text = answer.events.compactMap { $0.firstChoice?["text"] as? String }.joined()
                            if answer.status != 200 || !answer.done || text != FakeEngine.answer(.text(prompt), maxTokens: 6).text {
                                failures += 1
                            }
                        }
                        return failures
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(failures == 0)
            let counters = engine.counters.withLock { $0 }
            #expect(counters.finished == 160)
            #expect(counters.mostRunning <= 2)
            #expect(try await client.send("GET", "/health").status == 200)
        }
    }

    @Test("a client that hangs up mid-stream cancels its generation")
    func disconnect() async throws {
        let engine = FakeEngine(delay: .milliseconds(20))
        let prompt = (0..<60).map { "w\($0)" }.joined(separator: " ")
        try await withTestServer(engine: engine, configure: { $0.maxTokensLimit = 64 }) { client in
            let body = try JSONSerialization.data(withJSONObject: ["prompt": prompt, "stream": true, "max_tokens": 60])
            let received = try await Task.detached {
                try RawHTTPClient.postAndHangUp(port: client.port, path: "/v1/completions", body: body, after: "w58")
            }.value
            #expect(received.contains("data: "))
            #expect(try await eventually { engine.counters.withLock { $0.cancelled } == 1 })
            #expect(engine.counters.withLock { $0.finished } == 0)
            let after = try await client.post("/v1/completions", ["prompt": "still here", "max_tokens": 2])
            #expect(after.status == 200)
        }
    }
}
