/// One step of a BPE pre-tokenizer: it cuts each piece the step before produced into smaller
/// pieces and never looks past a piece's ends.
///
/// Each step stands for one of the regular expressions llama.cpp applies in turn: the text a
/// match covers becomes a piece, and so does each stretch between matches.
enum SplitStage: Sendable {
    /// LLaMA 3's expression: case-insensitive contractions, an optional non-letter before
    /// letters, digits in groups of up to `longestNumber`, an optional space before other
    /// symbols and the line breaks after them, and the whitespace alternatives
    /// (`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`).
    /// Qwen2 uses it with single digits.
    case llama3Words(longestNumber: Int)
    /// GPT-2's expression: case-sensitive contractions, an optional space before letters,
    /// before digits or before other symbols, and whitespace that leaves its last character
    /// to the word after it (`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`).
    case gpt2Words
    /// Runs of members of the set (`[…]+`); the runs of other scalars between them.
    case runs(ScalarSet)
    /// Every member of the set alone (`[…]` without `+`).
    case each(ScalarSet)
    /// One optional whitespace scalar and a run of members of the set (`\s?[…]+`).
    case spacedRuns(ScalarSet)
    /// The whitespace that ends a piece (`\s+$`).
    case trailingWhitespace
    /// Groups of three ASCII digits, found left to right (`[0-9][0-9][0-9]`).
    case threeDigits

    /// Cuts each piece `[previous end, end)` of `text` and returns the ends of the new pieces.
    func refine(_ ends: [Int], _ text: ScalarText) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(ends.count * 2)
        var start = 0
        for end in ends where end > start {
            switch self {
            case .llama3Words(let longestNumber): WordSplit.llama3(text, start, end, longestNumber: longestNumber, &result)
            case .gpt2Words: WordSplit.gpt2(text, start, end, &result)
            case .runs(let set): Self.splitRuns(text, start, end, set, &result)
            case .each(let set): Self.splitMatches(text, start, end, &result) { set.contains(text, $0) ? $0 + 1 : $0 }
            case .spacedRuns(let set): Self.splitSpacedRuns(text, start, end, set, &result)
            case .trailingWhitespace: Self.splitTrailingWhitespace(text, start, end, &result)
            case .threeDigits: Self.splitMatches(text, start, end, &result) { Self.isThreeDigits(text, $0, end) ? $0 + 3 : $0 }
            }
            start = end
        }
        return result
    }

    /// The pieces of `[start, end)` for an expression that `match` tries at each position: it
    /// returns where a match starting there ends (the position itself when none does). As in
    /// a regular-expression search, the next match is looked for after the end of the last.
    @inline(__always)
    private static func splitMatches(
        _ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int], _ match: (Int) -> Int
    ) {
        var pos = start
        var pieceStart = start
        while pos < end {
            let matchEnd = match(pos)
            if matchEnd > pos {
                if pos > pieceStart { out.append(pos) }
                out.append(matchEnd)
                pos = matchEnd
                pieceStart = pos
            } else {
                pos += 1
            }
        }
        if end > pieceStart { out.append(end) }
    }

    /// Maximal runs of members and maximal runs of other scalars, alternating.
    private static func splitRuns(_ text: ScalarText, _ start: Int, _ end: Int, _ set: ScalarSet, _ out: inout [Int]) {
        var pos = start
        while pos < end {
            let inside = set.contains(text, pos)
            pos += 1
            while pos < end && set.contains(text, pos) == inside { pos += 1 }
            out.append(pos)
        }
    }

    private static func splitSpacedRuns(_ text: ScalarText, _ start: Int, _ end: Int, _ set: ScalarSet, _ out: inout [Int]) {
        splitMatches(text, start, end, &out) { pos in
            var run = pos
            if text.classes[pos].contains(.whitespace) && pos + 1 < end && set.contains(text, pos + 1) {
                run += 1
            } else if !set.contains(text, pos) {
                return pos
            }
            while run < end && set.contains(text, run) { run += 1 }
            return run
        }
    }

    private static func splitTrailingWhitespace(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        var first = end
        while first > start && text.classes[first - 1].contains(.whitespace) { first -= 1 }
        if first > start && first < end { out.append(first) }
        out.append(end)
    }

    @inline(__always)
    private static func isThreeDigits(_ text: ScalarText, _ pos: Int, _ end: Int) -> Bool {
        guard pos + 3 <= end else { return false }
        let s = text.scalars
        return (0x30...0x39).contains(s[pos]) && (0x30...0x39).contains(s[pos + 1]) && (0x30...0x39).contains(s[pos + 2])
    }
}
