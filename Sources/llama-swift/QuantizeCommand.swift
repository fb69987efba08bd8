import ArgumentParser
import Foundation
import GGUF
import LlamaKernels
import LlamaSwift

/// `llama-swift quantize IN OUT TYPE`: re-encodes a model, keeping all metadata.
struct QuantizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a GGUF model (Q4_0, Q8_0, Q6_K, Q5_K_M, Q4_K_M, ...).",
        discussion: "Types: \(QuantizationPreset.allCases.map(\.rawValue).joined(separator: ", ")). "
            + "Tensors whose rows are not whole blocks of the chosen type get a type that fits; each is listed."
    )

    @Argument(help: "The model to read.")
    var input: String

    @Argument(help: "The file to write.")
    var output: String

    @Argument(help: "The quantization type or mix.")
    var type: String

    @Option(name: [.customShort("t"), .long], help: "Threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard QuantizationPreset(name: type) != nil else {
            throw ValidationError("unknown type '\(type)'; known: \(QuantizationPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard input != output else { throw ValidationError("the output must not be the input file") }
    }

    func run() async throws {
        let preset = QuantizationPreset(name: type)!
        let file: GGUFFile
        do {
            file = try GGUFFile(path: input)
        } catch {
            throw CommandFailure("\(input): \(error)")
        }
        let pool = ThreadPool(threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let start = ContinuousClock.now
        let decisions = try ModelQuantizer.quantize(file, to: output, preset: preset, pool: pool) { done, total in
            FileHandle.standardError.write(Data("\rquantizing: \(done)/\(total) tensors".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        for d in decisions {
            let rowLength = file.tensorIfPresent(named: d.tensor)?.rowLength ?? 0
            let note = d.fallbackFrom.map { " (rows of \(rowLength) do not fit \($0.name) blocks: used \(d.to.name))" } ?? ""
            print("\(d.tensor): \(d.from.name) -> \(d.to.name)\(note)")
        }
        let written = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        let elapsed = ContinuousClock.now - start
        print(String(format: "wrote %@: %.2f MiB -> %.2f MiB in %.1f s", output,
                     Double(file.fileSize) / 1_048_576, Double(written) / 1_048_576,
                     elapsed / .seconds(1)))
    }
}
