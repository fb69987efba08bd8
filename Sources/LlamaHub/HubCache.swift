import Foundation
import Logging

/// One repository revision's folder in the cache. The layout, under ``HubClient/cacheDirectory``:
///
/// ```
/// {cache}/{owner}--{name}/{revision}/{file}          a complete file whose size and sha256 were checked
/// {cache}/{owner}--{name}/{revision}/{file}.partial  a download under way or interrupted; the next one resumes it
/// {cache}/{owner}--{name}/{revision}/.choices.json   which file each quantization, and the default, resolved to
/// ```
///
/// A `/` in a revision (`refs/pr/1`) is written `%2F` in its folder name. Only complete files
/// have their final name, so a file at that name is used without asking the hub again.
struct HubCache {
    private static let logger = Logger(label: "LlamaSwift.Hub")

    /// `{cache}/{owner}--{name}/{revision}`.
    let directory: URL

    init(root: URL, reference: HubModelReference) {
        directory = root
            .appendingPathComponent("\(reference.owner)--\(reference.name)", isDirectory: true)
            .appendingPathComponent(reference.revision.replacingOccurrences(of: "/", with: "%2F"), isDirectory: true)
    }

    /// Where the complete `file` (a path in the repository) lives.
    func location(of file: String) -> URL {
        directory.appendingPathComponent(file, isDirectory: false)
    }

    /// Where `file` is written while it downloads.
    func partialLocation(of file: String) -> URL {
        directory.appendingPathComponent(file + ".partial", isDirectory: false)
    }

    /// The path of the complete `file`, or `nil` when the cache does not have it.
    func completeFile(_ file: String) -> String? {
        var isDirectory: ObjCBool = false
        let path = location(of: file).path
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return path
    }

    /// What `.choices.json` holds: the file the default and each quantization (lowercased) chose.
    private struct Choices: Codable {
        var `default`: String?
        var quantizations: [String: String] = [:]

        subscript(quantization: String?) -> String? {
            get { quantization.map { quantizations[$0.lowercased()] } ?? `default` }
            set {
                if let quantization { quantizations[quantization.lowercased()] = newValue } else { `default` = newValue }
            }
        }
    }

    private var choicesLocation: URL { directory.appendingPathComponent(".choices.json", isDirectory: false) }

    /// Reads `.choices.json`; a missing or unreadable one is empty, since the hub can tell again.
    private func loadChoices() -> Choices {
        guard let data = try? Data(contentsOf: choicesLocation) else { return Choices() }
        do {
            return try JSONDecoder().decode(Choices.self, from: data)
        } catch {
            Self.logger.warning("ignoring unreadable \(choicesLocation.path): \(error)")
            return Choices()
        }
    }

    /// The file `quantization` (`nil`: the default) resolved to when it was last downloaded.
    func choice(for quantization: String?) -> String? {
        loadChoices()[quantization]
    }

    /// Remembers that `quantization` (`nil`: the default) resolved to `file`.
    func recordChoice(_ file: String, for quantization: String?) throws(HubError) {
        var choices = loadChoices()
        guard choices[quantization] != file else { return }
        choices[quantization] = file
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try encoder.encode(choices).write(to: choicesLocation, options: .atomic)
        } catch {
            throw .fileSystem(path: choicesLocation.path, reason: "cannot write the quantization choices: \(error.localizedDescription)")
        }
    }
}
