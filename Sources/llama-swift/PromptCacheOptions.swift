import ArgumentParser
import Foundation
import LlamaSwift

/// `--prompt-cache FILE`: start from the session state saved in FILE (when it exists) and save
/// the state there after generating, so a long prompt shared by several runs is evaluated once.
struct PromptCacheOptions: ParsableArguments {
    @Option(
        name: .customLong("prompt-cache"),
        help: "Session state file: restored before the prompt when it exists, written after generating (not with --chat).")
    var path: String?

    /// Loads the saved state into `session` when the file exists.
    ///
    /// - Throws: ``CommandFailure`` with the reason when the file is not a state of this model
    ///   or is damaged.
    func restore(into session: LlamaSession) async throws {
        guard let path, FileManager.default.fileExists(atPath: path) else { return }
        do {
            let tokens = try await session.restoreState(from: path)
            standardError("llama-swift: restored \(tokens) cached tokens from \(path)\n")
        } catch {
            throw CommandFailure("cannot use the prompt cache: \(error.description)")
        }
    }

    /// Writes the session's state to the file.
    func save(_ session: LlamaSession) async throws {
        guard let path else { return }
        do { try await session.saveState(to: path) } catch {
            throw CommandFailure("cannot write the prompt cache: \(error.description)")
        }
    }
}
