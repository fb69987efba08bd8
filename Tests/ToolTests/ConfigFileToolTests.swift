import FixtureSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// One configuration file for `llama-swift`, `llama-swift serve` and the C API.
@Suite(.fixtures("stories260K.gguf"))
struct ConfigFileToolTests {
    static let prompt = "Once upon a time"

    /// A configuration file for stories260K in a fresh temporary folder.
    private func writeConfiguration(_ extra: String = "") throws -> String {
        let model = try Fixtures.path("stories260K.gguf")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("llama-swift.json").path
        let text = """
            {"model": "\(model)", "threads": 1, "context_size": 200, "temperature": 0, "max_tokens": 12,
             "port": 0, "parallel": 2, "alias": "storyteller"\(extra)}
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func cliFlagsOverrideTheFile() throws {
        let model = try Fixtures.path("stories260K.gguf")
        let config = try writeConfiguration()
        let fromFile = try Tool.run("llama-swift", ["--config", config, "-p", Self.prompt])
        let fromFlags = try Tool.run("llama-swift", ["-m", model, "-t", "1", "-c", "200", "--temp", "0", "-n", "12", "-p", Self.prompt])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout == fromFlags.stdout)
        #expect(fromFile.stderr.contains("generation:  12 tokens"), "\(fromFile.stderr)")
        let overridden = try Tool.run("llama-swift", ["--config", config, "-n", "4", "-p", Self.prompt])
        #expect(overridden.stderr.contains("generation:  4 tokens"), "\(overridden.stderr)")
        #expect(fromFile.stdout.hasPrefix(String(overridden.stdout.dropLast())))
    }

    @Test(.requires(CExample.library != nil, CExample.missingLibrary))
    func theCAPIReadsTheSameFile() throws {
        let config = try writeConfiguration()
        let cli = try Tool.run("llama-swift", ["--config", config, "-p", Self.prompt])
        let result = try Tool.run(program: URL(fileURLWithPath: try CExample.program()), ["config", config, Self.prompt])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("context size 200"), "\(result.stderr)")
        #expect(result.stdout == cli.stdout)
    }

    @Test func serveReadsTheSameFile() async throws {
        let config = try writeConfiguration()
        let process = Process()
        process.executableURL = Tool.productsDirectory.appendingPathComponent("llama-swift")
        process.arguments = ["serve", "--config", config]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var printed = ""
        while !printed.contains("serving"), process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(printed.split(separator: "\n").first { $0.contains("serving") }, "\(printed)")
        #expect(line.contains("serving storyteller on"), "\(line)")
        #expect(line.contains("(context 200, 2 parallel)"), "\(line)")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/completions")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"prompt": "Once upon a time", "temperature": 0}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect(json?["model"] as? String == "storyteller")
        // The file's max_tokens is the server's limit and default.
        #expect((json?["usage"] as? [String: Int])?["completion_tokens"].map { (1...12).contains($0) } == true, "\(json ?? [:])")
        process.interrupt()
        process.waitUntilExit()
    }

    @Test(arguments: [
        (#", "thread": 2"#, "key 'thread': unknown key"),
        (#", "batch_size": "big""#, "key 'batch_size': must be an integer"),
        (#", "top_p": 3"#, "key 'top_p'"),
    ])
    func aBadFileIsAnErrorNamingTheKey(extra: String, message: String) throws {
        let config = try writeConfiguration(extra)
        for command in [["--config", config, "-p", "x"], ["serve", "--config", config]] {
            let result = try Tool.run("llama-swift", command)
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(config): \(message)"), "\(command[0]): \(result.stderr)")
        }
    }
}
