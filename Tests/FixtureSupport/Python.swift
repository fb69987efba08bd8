import Foundation

/// Runs Python snippets for cross-checks against gguf-py.
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `python3` with the `gguf` package is available. In CI it must be (throws when it is not);
    /// elsewhere a missing package prints why the calling test skips.
    public static func hasGGUF(function: String = #function) throws -> Bool {
        if (try? run("import gguf, numpy")) != nil { return true }
        if Fixtures.isCI { throw Failure(description: "python3 with the gguf package is required in CI") }
        print("SKIPPED \(function): python3 with the gguf package not found (pip install gguf)")
        return false
    }

    /// Runs `python3 -c script arguments...` and returns its standard output; throws with its
    /// standard error when it exits non-zero.
    @discardableResult
    public static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
