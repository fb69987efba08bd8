import ArgumentParser
import Foundation
import LlamaSwift
import Logging

/// `llama-swift-bench run` (the default): pp and tg tokens/s per model and backend, like llama-bench.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure prompt processing (ppN) and token generation (tgN) speed."
    )

    @Option(name: [.customShort("m"), .long], help: "Comma-separated GGUF models.")
    var model: String

    @Option(name: [.customShort("p"), .customLong("n-prompt")], help: "Comma-separated prompt lengths (0: none).")
    var prompt: String = "512"

    @Option(name: [.customShort("n"), .customLong("n-gen")], help: "Comma-separated generation lengths (0: none).")
    var generate: String = "128"

    @Option(name: [.customShort("r"), .customLong("repetitions")], help: "Repetitions of each test.")
    var repetitions: Int = 5

    @Option(name: [.customShort("t"), .customLong("threads")], help: "Threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("backend"), help: "Comma-separated backends: cpu, blas, vulkan.")
    var backends: String = "cpu"

    @Option(name: .customLong("device"), help: "Vulkan device index for --backend vulkan (default: the best).")
    var device: Int?

    @Option(name: .customLong("sequences"), help: ArgumentHelp(
        "Comma-separated sequence counts: each N decodes N sequences together (prompts of 32 tokens, then each -n length) and reports the aggregate generated tokens/s.",
        valueName: "n"))
    var sequences: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "md (a markdown table) or json.")
    var output: String = "md"

    @Option(name: .customLong("compare-llama-cpp"), help: "llama-bench (or its folder) to run on the same files and tests.")
    var llamaCpp: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let models = model.split(separator: ",").map(String.init)
        let prompts = try Self.lengths(prompt, flag: "-p")
        let sequenceCounts = try sequences.map { try Self.lengths($0, flag: "--sequences") } ?? []
        guard !sequenceCounts.contains(0) else { throw ValidationError("--sequences: counts must be at least 1") }
        let generations = try Self.lengths(generate, flag: "-n")
        let backendList = try backends.split(separator: ",").map { name in
            guard let backend = ComputeBackend(rawValue: String(name)), backend != .auto else {
                throw ValidationError("--backend: unknown backend '\(name)' (cpu, blas, vulkan)")
            }
            return backend
        }
        guard repetitions >= 1, threads >= 1 else { throw ValidationError("-r and -t must be at least 1") }
        guard ["md", "json"].contains(output) else { throw ValidationError("-o must be md or json") }
        let reference = try llamaCpp.map { try LlamaCppBench(path: $0) }

        var results: [BenchmarkResult] = []
        for path in models {
            var theirs: [BenchmarkResult] = []
            if let reference {
                theirs = try reference.run(model: path, prompt: prompts, generate: generations,
                                           repetitions: repetitions, threads: threads)
            }
            for backend in backendList {
                let model = try LlamaModel(path: path, threads: threads, computeBackend: backend, deviceIndex: device)
                for n in prompts where n > 0 {
                    results.append(try await measure(model, path: path, backend: backend, prompt: n, generate: 0))
                }
                if sequenceCounts.isEmpty {
                    for n in generations where n > 0 {
                        results.append(try await measure(model, path: path, backend: backend, prompt: 0, generate: n))
                    }
                }
                for count in sequenceCounts {
                    for n in generations where n > 0 {
                        results.append(try measureBatched(model, path: path, backend: backend, sequences: count, generate: n))
                    }
                }
            }
            for index in results.indices where results[index].model_filename == path {
                let ours = results[index]
                guard ours.n_seq == nil else { continue }
                let match = theirs.first { $0.n_prompt == ours.n_prompt && $0.n_gen == ours.n_gen }
                if let match, match.avg_ts > 0 { results[index].ratio_to_llama_cpp = ours.avg_ts / match.avg_ts }
            }
            results += theirs
        }
        if output == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            print(results.markdownTable(), terminator: "")
        }
    }

    /// One test, repeated: a prompt of `prompt` tokens from an empty cache (ppN), or `generate`
    /// single-token steps from an empty cache (tgN). A warm-up run precedes the timed ones.
    func measure(_ model: LlamaModel, path: String, backend: ComputeBackend, prompt: Int, generate: Int) async throws -> BenchmarkResult {
        let context = max(prompt, generate)
        let session = try model.makeSession(contextSize: context, batchSize: max(prompt, 1))
        var rng = SplitMix64(seed: 42)
        let vocabulary = model.configuration.vocabularySize
        let tokens = (0..<context).map { _ in Int(rng.next() % UInt64(vocabulary)) }
        var samples: [Double] = []
        for repetition in 0...repetitions {
            await session.reset()
            let start = ContinuousClock.now
            if prompt > 0 {
                _ = try await session.append(tokens)
            } else {
                for token in tokens { _ = try await session.append([token]) }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = elapsed / .seconds(1)
            if repetition > 0 { samples.append(Double(context) / seconds) }
        }
        return BenchmarkResult(engine: "llama-swift", model: path, backend: backend.rawValue.uppercased(),
                               threads: threads, prompt: prompt, generated: generate, samples: samples)
    }

    /// Batched decoding: `sequences` sequences, each with a random 32-token prompt evaluated
    /// together first (not timed), then `generate` steps of one token per sequence in one pass
    /// each; the rate is all sequences' generated tokens over the steps' time.
    func measureBatched(_ model: LlamaModel, path: String, backend: ComputeBackend, sequences: Int, generate: Int) throws -> BenchmarkResult {
        let promptLength = 32
        let decoder = try BatchedDecoder(model: model, sequences: sequences, contextSize: promptLength + generate)
        var rng = SplitMix64(seed: 42)
        let vocabulary = model.configuration.vocabularySize
        var samples: [Double] = []
        for repetition in 0...repetitions {
            for s in 0..<sequences { decoder.truncate(sequence: s, to: 0) }
            let prompts = (0..<sequences).map { s in (s, (0..<promptLength).map { _ in Int(rng.next() % UInt64(vocabulary)) }) }
            _ = try decoder.append(prompts)
            let start = ContinuousClock.now
            for _ in 0..<generate {
                _ = try decoder.append((0..<sequences).map { ($0, [Int(rng.next() % UInt64(vocabulary))]) })
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            if repetition > 0 { samples.append(Double(sequences * generate) / seconds) }
        }
        var result = BenchmarkResult(engine: "llama-swift", model: path, backend: backend.rawValue.uppercased(),
                                     threads: threads, prompt: 0, generated: generate, samples: samples)
        result.n_seq = sequences
        return result
    }

    static func lengths(_ list: String, flag: String) throws -> [Int] {
        try list.split(separator: ",").map { item in
            guard let n = Int(item), n >= 0 else { throw ValidationError("\(flag): '\(item)' is not a length") }
            return n
        }
    }
}
