import FixtureSupport
import Foundation
import Testing

/// The committed SPIR-V (Sources/LlamaVulkan/SPIRV.generated.swift) is what
/// Scripts/build-shaders.sh makes from the shaders now. Needs glslc: skipped without it
/// locally, a failure in CI.
@Suite struct SPIRVFreshnessTests {
    /// Whether glslc is on the PATH (asked once).
    static let hasGlslc = (try? run("/usr/bin/env", ["sh", "-c", "command -v glslc"])) == 0

    @Test(.requires(hasGlslc, "glslc not found (apt: glslc)")) func committedSPIRVMatchesShaders() throws {
        try #require(Self.hasGlslc, "glslc not found; CI must have it (apt: glslc)")
        let root = Fixtures.packageRoot
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("SPIRV-\(UUID().uuidString).swift")
        defer { try? FileManager.default.removeItem(at: fresh) }
        let status = try Self.run(root.appendingPathComponent("Scripts/build-shaders.sh").path, [fresh.path])
        #expect(status == 0)
        let committed = try String(contentsOf: root.appendingPathComponent("Sources/LlamaVulkan/SPIRV.generated.swift"), encoding: .utf8)
        let regenerated = try String(contentsOf: fresh, encoding: .utf8)
        #expect(committed == regenerated, "the shaders changed: run Scripts/build-shaders.sh and commit the result")
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
