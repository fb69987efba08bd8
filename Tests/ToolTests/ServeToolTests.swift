import FixtureSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `llama-swift serve`, started as a user would, on a free loopback port.
@Suite struct ServeToolTests {
    @Test(.fixtures("stories260K.gguf")) func servesHealthAndACompletionThenStopsOnSIGINT() async throws {
        let model = try Fixtures.path("stories260K.gguf")
        let process = Process()
        process.executableURL = Tool.productsDirectory.appendingPathComponent("llama-swift")
        process.arguments = ["serve", "-m", model, "--port", "0", "--parallel", "2"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The server prints "serving <name> on http://127.0.0.1:<port>" once it listens.
        var printed = ""
        while !printed.contains("serving"), process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(printed.split(separator: "\n").first { $0.contains("serving") }, "\(printed)")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        #expect(line.contains("http://127.0.0.1:"))

        let base = "http://127.0.0.1:\(port)"
        let (health, healthResponse) = try await URLSession.shared.data(from: URL(string: base + "/health")!)
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self).contains("\"ok\""))
        var request = URLRequest(url: URL(string: base + "/v1/completions")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"prompt": "Once upon a time", "max_tokens": 8, "temperature": 0}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect((json?["usage"] as? [String: Int])?["completion_tokens"].map { (1...8).contains($0) } == true)

        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
