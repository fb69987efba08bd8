import Foundation
import Testing

/// Finds the model files and reference outputs the tests run on.
///
/// Search order: `$LLAMA_SWIFT_FIXTURES`, then `../shared/fixtures` beside the package,
/// then `Fixtures/models` inside it (where `Fixtures/fetch-models.sh` downloads what it can).
///
/// A test names what it needs in a trait, `@Test(.fixtures("stories260K.gguf"))`, and reads the
/// paths in its body with ``path(_:)`` or ``jsonObject(_:)``. Where a fixture is missing the test
/// is skipped, and the skip says which files and how to get them; in CI (`CI` set) it runs
/// anyway, and the accessor's ``Missing`` error fails it.
public enum Fixtures {
    /// Thrown when a fixture or shared tool a test needs is not there.
    public struct Missing: Error, CustomStringConvertible {
        /// The fixture's path relative to a search root, or the shared tool's name.
        public let name: String
        /// The folders that were looked in.
        public let searched: [String]

        public init(name: String, searched: [String]) {
            self.name = name
            self.searched = searched
        }

        public var description: String {
            "'\(name)' not found (searched: \(searched.joined(separator: ", "))); \(Fixtures.howToGetThem)"
        }
    }

    /// How to make missing fixtures available, for skip reasons and errors.
    public static let howToGetThem =
        "run with ../shared/fixtures beside the checkout, set LLAMA_SWIFT_FIXTURES, or run Fixtures/fetch-models.sh"

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

    /// The folder of the team's scripts (the synthetic model generator, for example).
    static var sharedToolsFolder: String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/tools").path
    }

    /// The absolute path of a fixture such as `"stories260K.gguf"` or `"reference/dequant.json"`
    /// (a file or a folder), or `nil` when it is absent. For code that has a fallback; a test
    /// that needs the fixture names it in a `.fixtures(...)` trait and reads it with ``path(_:)``.
    public static func find(_ relativePath: String) -> String? {
        for root in searchRoots {
            let candidate = (root as NSString).appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The fixtures of `relativePaths` that are not found, in the order given.
    public static func missing(_ relativePaths: [String]) -> [String] {
        relativePaths.filter { find($0) == nil }
    }

    /// The absolute path of a fixture the test's trait names; throws ``Missing`` when it is absent.
    public static func path(_ relativePath: String) throws -> String {
        guard let path = find(relativePath) else { throw Missing(name: relativePath, searched: searchRoots) }
        return path
    }

    /// A JSON fixture (for example `reference/gguf-dump.json`), decoded by `JSONSerialization`;
    /// throws ``Missing`` when it is absent.
    public static func jsonObject(_ relativePath: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path(relativePath))))
    }

    /// The path of a script in `../shared/tools`, or `nil` when it is absent.
    public static func findSharedTool(_ name: String) -> String? {
        let path = (sharedToolsFolder as NSString).appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The path of a script in `../shared/tools` that the test's `.sharedTools(...)` trait names;
    /// throws ``Missing`` when it is absent.
    public static func sharedTool(_ name: String) throws -> String {
        guard let path = findSharedTool(name) else { throw Missing(name: name, searched: [sharedToolsFolder]) }
        return path
    }

    /// Why a test needing `relativePaths` does not run here: the missing ones and how to get them.
    static func skipReason(missing: [String]) -> String {
        "fixtures not found: \(missing.joined(separator: ", ")); \(howToGetThem)"
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test where what it needs is here (`available`), and always in CI, where it must
    /// be: the test body then fails on its absence. Elsewhere the test is skipped with `reason`.
    /// The traits below are this for fixtures, shared tools and gguf-py; a test target uses it
    /// directly for what it alone needs (a Vulkan device, glslc).
    public static func requires(_ available: Bool, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: available || Fixtures.isCI, Comment(rawValue: reason), sourceLocation: sourceLocation)
    }

    /// Runs the test when every fixture of `relativePaths` is found, and always in CI, where the
    /// test body's ``Fixtures/path(_:)`` then fails it on the missing file. Elsewhere the test is
    /// skipped, and the skip names the missing fixtures and how to get them.
    public static func fixtures(_ relativePaths: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        fixtures(relativePaths, sourceLocation: sourceLocation)
    }

    /// `.fixtures(...)` for a list made in code, such as every fixture of a parameterized
    /// test's arguments.
    public static func fixtures(_ relativePaths: [String], sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = Fixtures.missing(relativePaths)
        let reason = missing.isEmpty ? "needs fixtures \(relativePaths.joined(separator: ", "))" : Fixtures.skipReason(missing: missing)
        return .requires(missing.isEmpty, reason, sourceLocation: sourceLocation)
    }

    /// Runs the test when every script of `names` is in `../shared/tools`, and always in CI,
    /// where ``Fixtures/sharedTool(_:)`` then fails it; elsewhere it is skipped, saying which.
    public static func sharedTools(_ names: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = names.filter { Fixtures.findSharedTool($0) == nil }
        let reason = missing.isEmpty ? "needs \(names.joined(separator: ", ")) in ../shared/tools"
            : "not found in ../shared/tools beside the checkout: \(missing.joined(separator: ", "))"
        return .requires(missing.isEmpty, reason, sourceLocation: sourceLocation)
    }

    /// Runs the test when `python3` with the `gguf` and `numpy` packages is here, and always in
    /// CI, where ``Python/requireGGUF()`` then fails it; elsewhere it is skipped, saying so.
    public static func pythonWithGGUF(sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .requires(Python.hasGGUF, Python.missingGGUF, sourceLocation: sourceLocation)
    }

    /// Runs the test when `python3` can import `modules`, and always in CI, where the test's
    /// ``Python/require(_:)`` then fails it.
    public static func python(_ modules: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .requires(Python.has(modules), Python.missing(modules), sourceLocation: sourceLocation)
    }
}
