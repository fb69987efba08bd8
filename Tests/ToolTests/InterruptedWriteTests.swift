import FixtureSupport
import Foundation
import GGUF
import Testing

/// A tool killed while it writes leaves the previous file or none under the final name, never a
/// partial one.
@Suite struct InterruptedWriteTests {
    /// A fresh folder for one test's files.
    static func makeFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-write-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Starts `llama-swift` with `arguments` (through `launcher` when given) and sends it SIGKILL
    /// as soon as a temporary file for `name` appears in `folder`; `true` when it was killed that
    /// way, `false` when it finished first.
    static func killWhileWriting(_ arguments: [String], name: String, in folder: String) throws -> Bool {
        let process = Process()
        process.executableURL = Tool.productsDirectory.appendingPathComponent("llama-swift")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var killed = false
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning, ContinuousClock.now < deadline {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if entries.contains(where: { $0.hasPrefix(".\(name).tmp-") }) {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(200)
        }
        if !killed, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return killed && process.terminationReason == .uncaughtSignal
    }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    @Test(.fixtures("synthetic/tiny-llama3-Q4_0.gguf"))
    func killedQuantizeLeavesThePreviousFileOrNone() throws {
        let model = try Fixtures.path("synthetic/tiny-llama3-Q4_0.gguf")
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out.gguf"

        // No previous file: a kill mid-write leaves none.
        let first = try Self.killWhileWriting(["quantize", model, output, "Q8_0", "-t", "1"], name: "out.gguf", in: folder)
        try #require(first, "quantize finished before it could be killed mid-write")
        #expect(!FileManager.default.fileExists(atPath: output))

        // A complete previous file: a kill while writing its replacement leaves it as it was.
        let complete = try Tool.run("llama-swift", ["quantize", model, output, "Q8_0", "-t", "2"])
        #expect(complete.status == 0, "\(complete.stderr)")
        let previous = try #require(Self.bytes(output))
        _ = try GGUFFile(path: output)
        let second = try Self.killWhileWriting(["quantize", model, output, "Q4_K_M", "-t", "1"], name: "out.gguf", in: folder)
        try #require(second, "quantize finished before it could be killed mid-write")
        #expect(Self.bytes(output) == previous)

        // The next complete run replaces it and leaves no temporary file of its own.
        let replaced = try Tool.run("llama-swift", ["quantize", model, output, "Q4_K_M", "-t", "2"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try GGUFFile(path: output).metadata.uint32("general.file_type") == 15)
    }

    /// The save of a prompt cache is too short to hit with a timed kill, so strace sends the
    /// SIGKILL at the `fsync` that comes after the new state's bytes and before its rename.
    @Test(.fixtures("stories260K.gguf"), .requires(FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "strace not found (apt-get install strace)"))
    func killedSaveStateLeavesThePreviousFile() throws {
        let model = try Fixtures.path("stories260K.gguf")
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = folder + "/prompt.state"
        func arguments(tokens: Int) -> [String] {
            ["generate", "-m", model, "-p", "Once upon a time", "-n", "\(tokens)", "--temp", "0", "--prompt-cache", cache]
        }

        // No previous file: none after the kill.
        let tool = Tool.productsDirectory.appendingPathComponent("llama-swift").path
        let strace = ["-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync", "-e", "inject=fsync:signal=KILL", tool]
        let killedFirst = try Tool.run(program: URL(fileURLWithPath: "/usr/bin/strace"), strace + arguments(tokens: 4))
        #expect(killedFirst.status == SIGKILL, "\(killedFirst.status) \(killedFirst.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cache))

        // A previous state: the run restores it, evaluates more tokens and is killed saving the
        // larger state; the previous file is left whole and still restores.
        let first = try Tool.run("llama-swift", arguments(tokens: 4))
        #expect(first.status == 0, "\(first.stderr)")
        let previous = try #require(Self.bytes(cache))
        let killed = try Tool.run(program: URL(fileURLWithPath: "/usr/bin/strace"), strace + arguments(tokens: 24))
        #expect(killed.status == SIGKILL, "\(killed.status) \(killed.stderr)")
        #expect(killed.stderr.contains("restored"), "\(killed.stderr)")
        #expect(Self.bytes(cache) == previous)
        let again = try Tool.run("llama-swift", arguments(tokens: 4))
        #expect(again.status == 0 && again.stderr.contains("restored"), "\(again.stderr)")
    }
}
