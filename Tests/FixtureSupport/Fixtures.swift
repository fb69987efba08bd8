import Foundation

/// Finds the model files and reference outputs the tests run on.
///
/// Search order: `$LLAMA_SWIFT_FIXTURES`, then `../shared/fixtures` beside the package,
/// then `Fixtures/models` inside it (where `Fixtures/fetch-models.sh` downloads what it can).
/// In CI (`CI` set) a missing fixture is an error; elsewhere the test prints why it skips.
public enum Fixtures {
    /// Thrown when a fixture is missing in CI, where every fixture must be present.
    public struct Missing: Error, CustomStringConvertible {
        public let relativePath: String
        public var description: String { "fixture '\(relativePath)' not found (searched: \(Fixtures.searchRoots.joined(separator: ", ")))" }
    }

    /// The package's root folder.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether this run is CI, where missing fixtures fail instead of skipping.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    static var searchRoots: [String] {
        var roots: [String] = []
        if let env = ProcessInfo.processInfo.environment["LLAMA_SWIFT_FIXTURES"] { roots.append(env) }
        roots.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").path)
        roots.append(packageRoot.appendingPathComponent("Fixtures/models").path)
        return roots
    }

    /// The absolute path of a fixture such as `"stories260K.gguf"` or `"reference/dequant.json"`,
    /// or `nil` when it is absent.
    public static func find(_ relativePath: String) -> String? {
        for root in searchRoots {
            let candidate = (root as NSString).appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path of a fixture for a test that needs it: throws in CI when it is missing, and
    /// elsewhere prints the reason the test skips and returns `nil`.
    public static func require(_ relativePath: String, function: String = #function) throws -> String? {
        if let path = find(relativePath) { return path }
        if isCI { throw Missing(relativePath: relativePath) }
        print("SKIPPED \(function): fixture '\(relativePath)' not found; run Fixtures/fetch-models.sh or set LLAMA_SWIFT_FIXTURES")
        return nil
    }

    /// The path of a script in `../shared/tools` (the synthetic model generator, for example), with
    /// the same rule as ``require(_:function:)``: an error in CI, a printed skip elsewhere.
    public static func sharedTool(_ name: String, function: String = #function) throws -> String? {
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/tools/\(name)").path
        if FileManager.default.fileExists(atPath: path) { return path }
        if isCI { throw Missing(relativePath: "../shared/tools/\(name)") }
        print("SKIPPED \(function): ../shared/tools/\(name) not found")
        return nil
    }

    /// Decodes a JSON fixture (for example `reference/gguf-dump.json`).
    public static func json(_ relativePath: String) throws -> Any? {
        guard let path = try require(relativePath) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
