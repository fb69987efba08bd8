#if !LLAMA_FUZZ
import ArgumentParser
import Foundation

/// Without the Fuzzing trait: runs saved inputs (a corpus, crashes found before) through the
/// fuzz targets uninstrumented, as the regression tests do, and writes the generated seeds.
@main
struct FuzzTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llama-swift-fuzz",
        abstract: "Replays inputs through LlamaSwift's fuzz targets (Scripts/fuzz.sh fuzzes them).",
        subcommands: [ReplayCommand.self, SeedCommand.self])
}

extension FuzzTarget: ExpressibleByArgument {}

/// `replay TARGET PATH...`: every file, and every file in every folder, through the target.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Runs each input file (or every file of a folder) through a target once.")

    @Argument(help: "The target: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")).")
    var target: FuzzTarget

    @Argument(help: "Input files or folders of them.")
    var inputs: [String]

    func run() throws {
        if target == .state, ProcessInfo.processInfo.environment["LLAMA_SWIFT_FUZZ_MODEL"] == nil {
            throw ValidationError("the state target needs LLAMA_SWIFT_FUZZ_MODEL, the model its states are for")
        }
        var files: [String] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                throw ValidationError("no such file or folder: \(input)")
            }
            if isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: input).filter { !$0.hasPrefix(".") }.sorted()
                files += names.map { input + "/" + $0 }
            } else {
                files.append(input)
            }
        }
        var accepted = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            if data.withUnsafeBytes({ target.run($0) }) { accepted += 1 }
        }
        print("\(target.rawValue): \(files.count) inputs ran, \(accepted) accepted")
    }
}
#endif
