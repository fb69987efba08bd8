import Foundation

/// A unique path in the temporary directory, removed by `remove()`.
struct TemporaryFile {
    let path: String

    init(_ name: String = "test.gguf") {
        let dir = FileManager.default.temporaryDirectory
        path = dir.appendingPathComponent("llamaswift-\(UUID().uuidString)-\(name)").path
    }

    func write(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
