import Foundation

/// One benchmark test on one model with one backend: tokens per second over repetitions.
/// Field names follow llama-bench's JSON so that the two outputs can be joined.
struct BenchmarkResult: Codable {
    /// `llama-swift` or `llama.cpp`.
    var engine: String
    var model_filename: String
    var backends: String
    var n_threads: Int
    var n_prompt: Int
    var n_gen: Int
    var avg_ts: Double
    var stddev_ts: Double
    var samples_ts: [Double]
    /// Sequences decoded together (`--sequences`); `avg_ts` is then their aggregate rate.
    var n_seq: Int?
    /// Our tokens/s divided by llama.cpp's on the same test, when llama.cpp was run too.
    var ratio_to_llama_cpp: Double?

    /// `pp512`, `tg128`, or `pp512+tg128`, as llama-bench names tests.
    var testName: String {
        switch (n_prompt, n_gen) {
        case (_, 0): "pp\(n_prompt)"
        case (0, _): n_seq.map { "tg\(n_gen) x\($0)" } ?? "tg\(n_gen)"
        default: "pp\(n_prompt)+tg\(n_gen)"
        }
    }

    init(engine: String, model: String, backend: String, threads: Int, prompt: Int, generated: Int, samples: [Double]) {
        self.engine = engine
        model_filename = model
        backends = backend
        n_threads = threads
        n_prompt = prompt
        n_gen = generated
        samples_ts = samples
        avg_ts = samples.isEmpty ? 0 : samples.reduce(0, +) / Double(samples.count)
        let mean = avg_ts
        stddev_ts = samples.count < 2 ? 0
            : (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)).squareRoot()
    }

    enum CodingKeys: String, CodingKey {
        case engine, model_filename, backends, n_threads, n_prompt, n_gen, n_seq, avg_ts, stddev_ts, samples_ts, ratio_to_llama_cpp
    }
}

extension [BenchmarkResult] {
    /// A markdown table in llama-bench's spirit, with the ratio column when llama.cpp ran.
    func markdownTable() -> String {
        let withRatio = contains { $0.ratio_to_llama_cpp != nil }
        var header = ["engine", "model", "backend", "threads", "test", "t/s"]
        if withRatio { header.append("vs llama.cpp") }
        var rows = [header, header.map { _ in "---" }]
        for r in self {
            var row = [r.engine, (r.model_filename as NSString).lastPathComponent, r.backends, "\(r.n_threads)", r.testName,
                       String(format: "%.2f ± %.2f", r.avg_ts, r.stddev_ts)]
            if withRatio { row.append(r.ratio_to_llama_cpp.map { String(format: "%.2fx", $0) } ?? "") }
            rows.append(row)
        }
        return rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n"
    }
}
