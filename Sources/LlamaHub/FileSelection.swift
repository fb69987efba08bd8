/// Which GGUF file of a repository a reference without an exact file means.
enum FileSelection {
    /// The quantizations tried, in order, when the reference names none.
    static let defaultQuantizations = ["Q4_K_M", "Q4_0", "Q8_0"]

    /// The model file among `paths` (every file of the repository) for `quantization`.
    ///
    /// The candidates are the `.gguf` files that are not multimodal projectors (`mmproj`), in
    /// sorted order. With a quantization, the candidates whose path contains it, ignoring case;
    /// one where it stands as a whole word (`x.Q4_0.gguf` for `Q4_0`, not `x.Q4_0_4_4.gguf`)
    /// before the others, and a single file before a split one. Without one, the first of
    /// ``defaultQuantizations`` that a single file matches, else the first single-file candidate.
    /// - Throws: ``HubError/noMatchingFile(repository:quantization:available:)`` when nothing
    ///   matches, listing the `.gguf` files; ``HubError/splitModelUnsupported(repository:file:)``
    ///   when only a split model does.
    static func choose(from paths: [String], quantization: String?, repository: String) throws(HubError) -> String {
        let ggufFiles = paths.filter { $0.lowercased().hasSuffix(".gguf") }.sorted()
        let candidates = ggufFiles.filter { !$0.lowercased().contains("mmproj") }
        if let quantization {
            let matches = self.matches(of: quantization, in: candidates)
            if let single = matches.first(where: { !isSplit($0) }) { return single }
            if let split = matches.first { throw .splitModelUnsupported(repository: repository, file: split) }
            throw .noMatchingFile(repository: repository, quantization: quantization, available: ggufFiles)
        }
        for preferred in defaultQuantizations {
            if let single = matches(of: preferred, in: candidates).first(where: { !isSplit($0) }) { return single }
        }
        if let single = candidates.first(where: { !isSplit($0) }) { return single }
        if let split = candidates.first { throw .splitModelUnsupported(repository: repository, file: split) }
        throw .noMatchingFile(repository: repository, quantization: nil, available: ggufFiles)
    }

    /// The paths holding `quantization`, ignoring case: whole-word matches first, each group in the order given.
    private static func matches(of quantization: String, in paths: [String]) -> [String] {
        let needle = quantization.lowercased()
        var whole: [String] = [], partial: [String] = []
        for path in paths {
            let haystack = path.lowercased()
            guard haystack.contains(needle) else { continue }
            if containsAsWord(needle, in: haystack) { whole.append(path) } else { partial.append(path) }
        }
        return whole + partial
    }

    /// Whether `needle` occurs in `haystack` with neither a letter, a digit nor `_` just before or after it.
    private static func containsAsWord(_ needle: String, in haystack: String) -> Bool {
        func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" }
        var searchStart = haystack.startIndex
        while let range = haystack.range(of: needle, range: searchStart..<haystack.endIndex) {
            let before = range.lowerBound == haystack.startIndex ? nil : haystack[haystack.index(before: range.lowerBound)]
            let after = range.upperBound == haystack.endIndex ? nil : haystack[range.upperBound]
            if !(before.map(isWordCharacter) ?? false) && !(after.map(isWordCharacter) ?? false) { return true }
            searchStart = haystack.index(after: range.lowerBound)
        }
        return false
    }

    /// Whether `path` is one part of a split model, named `…-00001-of-00003.gguf` as llama.cpp's `gguf-split` writes them.
    static func isSplit(_ path: String) -> Bool {
        let name = path.lowercased()
        guard name.hasSuffix(".gguf") else { return false }
        // "-NNNNN-of-NNNNN" just before the extension.
        let stem = Array(name.dropLast(5).utf8)
        guard stem.count >= 15 else { return false }
        let tail = Array(stem.suffix(15))
        func isDigits(_ range: Range<Int>) -> Bool { tail[range].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        return tail[0] == UInt8(ascii: "-") && isDigits(1..<6) && tail[6..<10].elementsEqual("-of-".utf8) && isDigits(10..<15)
    }
}
