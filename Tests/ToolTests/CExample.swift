import FixtureSupport
import Foundation
import Testing

/// The C API's shared library and the C example built against it, for the tests that use them.
enum CExample {
    /// `libLlamaSwiftC.so`, built by `swift build -c release --product LlamaSwiftC` (a dynamic
    /// library product, which `swift test` does not build); `Scripts/test.sh` builds it and sets
    /// `LLAMA_SWIFT_C_LIBRARY`.
    static let library: String? = ProcessInfo.processInfo.environment["LLAMA_SWIFT_C_LIBRARY"]
        .flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }

    static let missingLibrary =
        "LLAMA_SWIFT_C_LIBRARY does not name libLlamaSwiftC (swift build -c release --product LlamaSwiftC; Scripts/test.sh sets it)"

    /// The library's path; fails the test when it is missing (in CI, where it must be there).
    static func requireLibrary() throws -> String {
        try #require(library, Comment(rawValue: missingLibrary))
    }

    /// `Examples/c/llama_swift_example.c` compiled by `cc` against the header and the library,
    /// once per test run.
    static func program() throws -> String {
        try built.get()
    }

    private static let built: Result<String, any Error> = Result {
        let library = try requireLibrary()
        let libraryFolder = URL(fileURLWithPath: library).deletingLastPathComponent().path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("llama_swift_example-\(getpid())").path
        let root = Fixtures.packageRoot.path
        let result = try Tool.run(program: URL(fileURLWithPath: "/usr/bin/env"), [
            "cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", "\(root)/Sources/LlamaSwiftC/include",
            "\(root)/Examples/c/llama_swift_example.c", "-L", libraryFolder, "-lLlamaSwiftC",
            "-Wl,-rpath,\(libraryFolder)", "-o", output,
        ])
        guard result.status == 0 else { throw CompileFailure(message: result.stderr) }
        return output
    }

    struct CompileFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { "cc failed: \(message)" }
    }
}
