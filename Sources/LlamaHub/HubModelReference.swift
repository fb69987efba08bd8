/// A model on the hub: a repository, `OWNER/NAME`, with either a quantization to pick a file by
/// (`OWNER/NAME:Q4_K_M`) or one exact file, at a revision.
///
/// ```swift
/// let reference = try HubModelReference("bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M")
/// let exact = try HubModelReference("TheBloke/Llama-2-7B-GGUF", file: "llama-2-7b.Q5_K_M.gguf")
/// ```
public struct HubModelReference: Sendable, Equatable, CustomStringConvertible {
    /// The repository, `"owner/name"`.
    public var repository: String
    /// The quantization from `"owner/name:Q4_K_M"`, matched case-insensitively against file
    /// names; `nil` picks the repository's default (Q4_K_M, else Q4_0, else Q8_0).
    public var quantization: String?
    /// One exact file in the repository (llama.cpp's `--hf-file`); when set, ``quantization`` is not used.
    public var file: String?
    /// The branch, tag or commit to download from.
    public var revision: String

    /// Parses `OWNER/NAME[:QUANT]`.
    ///
    /// The owner and the name are letters, digits, `.`, `_` and `-`, neither starting with `.`
    /// nor holding `..` or `--` (the cache joins them with `--`). `file` is a relative path in
    /// the repository: no leading `/`, no empty, `.` or `..` components, no component starting
    /// with `.`. `revision` is a branch, tag or commit, which may hold `/` (`refs/pr/1`).
    /// - Throws: ``HubError/invalidReference(reference:reason:)`` saying what is wrong.
    public init(_ text: String, file: String? = nil, revision: String = "main") throws(HubError) {
        func invalid(_ reason: String) -> HubError { .invalidReference(reference: text, reason: reason) }
        let repositoryText: Substring
        if let colon = text.firstIndex(of: ":") {
            repositoryText = text[..<colon]
            let quantization = String(text[text.index(after: colon)...])
            guard !quantization.isEmpty else { throw invalid("the quantization after ':' is empty") }
            guard quantization.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
                throw invalid("the quantization '\(quantization)' may hold only letters, digits, '.', '_' and '-'")
            }
            self.quantization = quantization
        } else {
            repositoryText = text[...]
            quantization = nil
        }
        let parts = repositoryText.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid("expected OWNER/NAME[:QUANT], with exactly one '/'") }
        for (part, role) in zip(parts, ["owner", "name"]) {
            if let reason = Self.problem(inName: part, role: role) { throw invalid(reason) }
        }
        repository = String(repositoryText)
        if let file, let reason = Self.problem(inFile: file) { throw invalid("file '\(file)': \(reason)") }
        self.file = file
        if let reason = Self.problem(inRevision: revision) { throw invalid("revision '\(revision)': \(reason)") }
        self.revision = revision
    }

    /// `owner/name[:QUANT]`, then the file and a revision other than `main` where there are:
    /// `owner/name:Q4_K_M`, `owner/name (file x.gguf) at revision dev`.
    public var description: String {
        var text = repository
        if let quantization { text += ":\(quantization)" }
        if let file { text += " (file \(file))" }
        if revision != "main" { text += " at revision \(revision)" }
        return text
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    /// What is wrong with the owner or name `part`, or `nil` when it is fine.
    private static func problem(inName part: Substring, role: String) -> String? {
        if part.isEmpty { return "the \(role) is empty; expected OWNER/NAME[:QUANT]" }
        if !part.unicodeScalars.allSatisfy(isNameCharacter) {
            return "the \(role) '\(part)' may hold only letters, digits, '.', '_' and '-'"
        }
        if part.contains("..") { return "'..' is not allowed in the \(role) '\(part)'" }
        if part.contains("--") { return "'--' is not allowed in the \(role) '\(part)'" }
        if part.hasPrefix(".") { return "the \(role) '\(part)' may not start with '.'" }
        return nil
    }

    /// What is wrong with the file path, or `nil` when it is fine; also what keeps a hostile
    /// listing from naming a file outside the cache folder.
    static func problem(inFile file: String) -> String? {
        if file.isEmpty { return "the file name is empty" }
        if file.hasPrefix("/") { return "a file is a path inside the repository, without a leading '/'" }
        if file.contains("\\") { return "'\\' is not allowed in a file path" }
        if file.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "control characters are not allowed in a file path"
        }
        for component in file.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { return "the path has an empty component" }
            if component == ".." { return "'..' is not allowed in a file path" }
            if component.hasPrefix(".") { return "a path component may not start with '.'" }
        }
        if file.hasSuffix(".partial") { return "names ending in '.partial' are kept for the cache's unfinished downloads" }
        return nil
    }

    /// What is wrong with the revision, or `nil` when it is fine.
    private static func problem(inRevision revision: String) -> String? {
        if revision.isEmpty { return "the revision is empty" }
        if !revision.unicodeScalars.allSatisfy({ isNameCharacter($0) || $0 == "/" }) {
            return "a revision may hold only letters, digits, '.', '_', '-' and '/'"
        }
        for component in revision.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { return "the revision has an empty component" }
            if component.hasPrefix(".") { return "a revision component may not start with '.'" }
        }
        return nil
    }

    /// The repository's owner, before the `/`.
    var owner: Substring { repository.prefix(while: { $0 != "/" }) }
    /// The repository's name, after the `/`.
    var name: Substring { repository[repository.index(after: repository.firstIndex(of: "/")!)...] }
}
