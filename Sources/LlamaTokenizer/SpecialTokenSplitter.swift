/// Cuts input text around the texts of special tokens before normal encoding, as llama.cpp's
/// special-token partition does: longer token texts are found first; each token's occurrences
/// are taken left to right where they do not overlap text already taken by another.
///
/// User-defined tokens are always split out; control and unknown tokens only when the caller
/// asks for special-token parsing. After a token that strips to its right, the whitespace
/// that follows it is dropped.
struct SpecialTokenSplitter: Sendable {
    /// A piece of the input: a byte range to encode, or a special token.
    enum Fragment {
        case text(Range<Int>)
        case token(Int)
    }

    private struct Candidate: Sendable {
        var id: Int
        var text: [UInt8]
        var alwaysSplit: Bool
    }

    /// Candidates, longest text first (ties by id).
    private let candidates: [Candidate]
    /// Whether a byte starts some candidate's text.
    private let isFirstByte: [Bool]
    /// Tokens after which whitespace is dropped.
    private let rightStripped: Set<Int>

    /// A splitter for the special tokens among `types`; `rightStripped` holds the tokens after
    /// which whitespace is dropped.
    init(texts: [[UInt8]], types: [TokenType], rightStripped: Set<Int> = []) {
        var candidates: [Candidate] = []
        for (id, type) in types.enumerated() where type.isSpecial && !texts[id].isEmpty {
            candidates.append(Candidate(id: id, text: texts[id], alwaysSplit: type == .userDefined))
        }
        candidates.sort { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        var isFirstByte = [Bool](repeating: false, count: 256)
        for candidate in candidates { isFirstByte[Int(candidate.text[0])] = true }
        self.candidates = candidates
        self.isFirstByte = isFirstByte
        self.rightStripped = rightStripped
    }

    func split(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        let active = candidates.filter { parseSpecial || $0.alwaysSplit }
        let starts = active.isEmpty ? [] : bytes.indices.filter { isFirstByte[Int(bytes[$0])] }
        guard !starts.isEmpty else { return bytes.isEmpty ? [] : [.text(0..<bytes.count)] }

        var claimed = [Bool](repeating: false, count: bytes.count)
        var matches: [(start: Int, id: Int, length: Int)] = []
        for candidate in active {
            let length = candidate.text.count
            for start in starts where start + length <= bytes.count && bytes[start] == candidate.text[0] {
                guard !claimed[start], !claimed[start + length - 1] else { continue }
                guard candidate.text.withUnsafeBufferPointer({ $0.elementsEqual(bytes[start..<(start + length)]) }) else { continue }
                guard !claimed[start..<(start + length)].contains(true) else { continue }
                for i in start..<(start + length) { claimed[i] = true }
                matches.append((start, candidate.id, length))
            }
        }
        matches.sort { $0.start < $1.start }
        var fragments: [Fragment] = []
        var position = 0
        for match in matches {
            if match.start > position { fragments.append(.text(position..<match.start)) }
            fragments.append(.token(match.id))
            position = match.start + match.length
            if rightStripped.contains(match.id) {
                // C's isspace: space, \t, \n, \v, \f, \r
                while position < bytes.count && (bytes[position] == 0x20 || (0x09...0x0D).contains(bytes[position])) {
                    position += 1
                }
            }
        }
        if position < bytes.count { fragments.append(.text(position..<bytes.count)) }
        return fragments
    }
}
