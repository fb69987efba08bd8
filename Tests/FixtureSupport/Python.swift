import Foundation

/// Runs Python snippets for cross-checks against gguf-py.
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `python3` with the `gguf` and `numpy` packages is available (asked once). Tests that
    /// need it say so with the `.pythonWithGGUF()` trait and call ``requireGGUF()`` first.
    public static let hasGGUF: Bool = (try? run("import gguf, numpy")) != nil

    /// Why a test needing gguf-py does not run here.
    public static let missingGGUF = "python3 with the gguf and numpy packages not found (pip install gguf numpy)"

    /// Throws unless `python3` with `gguf` and `numpy` is here: where the `.pythonWithGGUF()`
    /// trait lets a test run without it (CI), this fails the test with the reason.
    public static func requireGGUF() throws {
        guard hasGGUF else { throw Failure(description: missingGGUF) }
    }

    /// Whether `python3` can import every module of `modules`.
    public static func has(_ modules: [String]) -> Bool {
        (try? run("import " + modules.joined(separator: ", "))) != nil
    }

    /// Throws unless `python3` can import `modules`, naming the pip packages to install.
    public static func require(_ modules: [String]) throws {
        guard has(modules) else { throw Failure(description: missing(modules)) }
    }

    /// Why a test needing `modules` does not run here.
    public static func missing(_ modules: [String]) -> String {
        "python3 with \(modules.joined(separator: ", ")) not found (pip install \(modules.joined(separator: " ")))"
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
