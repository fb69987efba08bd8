import ArgumentParser
import Foundation
import GGUF

/// `gguf-inspect FILE`: what a GGUF file holds, as a human summary or complete JSON.
@main
struct GGUFInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gguf-inspect",
        abstract: "Show the metadata and tensor table of a GGUF file."
    )

    @Argument(help: "The GGUF file to inspect.")
    var file: String

    @Flag(help: "Print one complete JSON object instead of the text summary.")
    var json = false

    @Flag(name: .customLong("no-tensors"), help: "Leave out the tensor table.")
    var noTensors = false

    @Option(name: .customLong("key"), help: "Show only metadata keys that start with PREFIX.")
    var keyPrefix: String?

    func run() async throws {
        let gguf: GGUFFile
        do {
            gguf = try GGUFFile(path: file)
        } catch {
            throw InspectFailure(message: "\(file): \(error)")
        }
        let report = Report(file: gguf, keyPrefix: keyPrefix, includeTensors: !noTensors)
        print(json ? try report.json() : report.text(), terminator: "")
    }
}

/// An error whose message is printed as is, with exit code 1.
struct InspectFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
