import Foundation

/// Runs llama.cpp's `llama-bench` on the same files and tests, to put its numbers beside ours.
struct LlamaCppBench {
    /// The `llama-bench` executable, or a folder holding it.
    let executable: String

    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw BenchError("--compare-llama-cpp: \(path) does not exist")
        }
        executable = isDirectory.boolValue ? (path as NSString).appendingPathComponent("llama-bench") : path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchError("--compare-llama-cpp: \(executable) is not an executable llama-bench")
        }
    }

    /// Runs one llama-bench process for one model and returns its results.
    func run(model: String, prompt: [Int], generate: [Int], repetitions: Int, threads: Int) throws -> [BenchmarkResult] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-m", model, "-p", prompt.map(String.init).joined(separator: ","),
                             "-n", generate.map(String.init).joined(separator: ","),
                             "-r", "\(repetitions)", "-t", "\(threads)", "-o", "json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("llama-bench exited with status \(process.terminationStatus) on \(model)")
        }
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw BenchError("llama-bench printed no JSON array for \(model)")
        }
        return rows.map { row in
            BenchmarkResult(
                engine: "llama.cpp", model: model, backend: row["backends"] as? String ?? "CPU",
                threads: row["n_threads"] as? Int ?? threads, prompt: row["n_prompt"] as? Int ?? 0,
                generated: row["n_gen"] as? Int ?? 0, samples: row["samples_ts"] as? [Double] ?? [])
        }
    }
}

/// A benchmark failure with a message for the user.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
