/// How a BPE vocabulary cuts text into words before merging, by `tokenizer.ggml.pre` name.
///
/// Each behaves like the regular expressions llama.cpp applies for that name, written out by
/// hand over Unicode scalars and their general categories:
///
/// - `llama3`: contractions (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`, any case); one optional
///   non-letter, non-digit, non-newline character followed by letters; digits in groups of up
///   to three; an optional space and a run of other symbols plus any newlines after it;
///   whitespace up to and including its last newline; whitespace that leaves its last
///   character to the next word; remaining whitespace.
/// - `gpt2`: GPT-2's split (case-sensitive contractions, optional space + letters, + digits,
///   + other symbols, whitespace that leaves its last character to the next word).
/// - `smollm`: every digit alone, then the GPT-2 split inside what is left.
/// - `standard` (name `default`, or no name): runs of punctuation and `$+<=>^~|` first, then
///   the GPT-2 split, then digit runs, then groups of three ASCII digits.
///
/// Every stage works inside the pieces the previous stage produced and never looks past them.
enum PreTokenizer: Sendable {
    case llama3
    case gpt2
    case smollm
    case standard

    static let supportedNames = ["llama-bpe", "llama3", "llama-v3", "gpt2", "gpt-2", "smollm", "default"]

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value (`nil`: the key is absent).
    init?(name: String?) {
        switch name {
        case nil, "default": self = .standard
        case "llama-bpe", "llama3", "llama-v3": self = .llama3
        case "gpt2", "gpt-2": self = .gpt2
        case "smollm": self = .smollm
        default: return nil
        }
    }

    /// The ends (scalar indices) of the words of `text`, in order; the first word starts at 0.
    func wordEnds(_ text: ScalarText) -> [Int] {
        var pieces = [text.count]
        switch self {
        case .llama3:
            pieces = Self.refine(pieces, text, Self.splitLlama3)
        case .gpt2:
            pieces = Self.refine(pieces, text, Self.splitGPT2)
        case .smollm:
            pieces = Self.refine(pieces, text, Self.splitEachNumber)
            pieces = Self.refine(pieces, text, Self.splitGPT2)
        case .standard:
            pieces = Self.refine(pieces, text, Self.splitPunctuationRuns)
            pieces = Self.refine(pieces, text, Self.splitGPT2)
            pieces = Self.refine(pieces, text, Self.splitNumberRuns)
            pieces = Self.refine(pieces, text, Self.splitThreeDigits)
        }
        return pieces
    }

    private typealias Stage = (ScalarText, Int, Int, inout [Int]) -> Void

    /// Applies `stage` to each piece `[start, end)` and collects the ends it produces.
    private static func refine(_ ends: [Int], _ text: ScalarText, _ stage: Stage) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(ends.count * 2)
        var start = 0
        for end in ends where end > start {
            stage(text, start, end, &result)
            start = end
        }
        return result
    }

    // MARK: - Stages

    private static let apostrophe: UInt32 = 0x27
    private static let space: UInt32 = 0x20
    private static let carriageReturn: UInt32 = 0x0D
    private static let lineFeed: UInt32 = 0x0A

    /// The contraction starting at `pos` (an apostrophe), as its length, or 0.
    @inline(__always)
    private static func contractionLength(_ s: [UInt32], _ pos: Int, _ end: Int, ignoringCase: Bool) -> Int {
        guard s[pos] == apostrophe, pos + 1 < end else { return 0 }
        func fold(_ c: UInt32) -> UInt32 { ignoringCase && c >= 0x41 && c <= 0x5A ? c + 0x20 : c }
        let next = fold(s[pos + 1])
        if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 { return 2 }  // s t m d
        if pos + 2 < end {
            let after = fold(s[pos + 2])
            if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {
                return 3  // re ve ll
            }
        }
        return 0
    }

    /// Whether a class set is that of a scalar (not the end) that is not whitespace, not a
    /// letter and not a number.
    @inline(__always)
    private static func isOtherSymbol(_ c: ScalarText.Classes) -> Bool {
        c.contains(.present) && c.isDisjoint(with: [.whitespace, .letter, .number])
    }

    private static func splitLlama3(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        let s = text.scalars
        let k = text.classes
        @inline(__always) func classes(_ i: Int) -> ScalarText.Classes { i < end ? k[i] : [] }
        var pos = start
        while pos < end {
            let c = s[pos]
            let f = k[pos]
            let contraction = contractionLength(s, pos, end, ignoringCase: true)
            if contraction > 0 {
                pos += contraction
                out.append(pos)
                continue
            }
            // optional non-letter/non-digit/non-newline, then letters
            if c != carriageReturn && c != lineFeed && !f.contains(.number),
               f.contains(.letter) || classes(pos + 1).contains(.letter) {
                pos += 1
                while classes(pos).contains(.letter) { pos += 1 }
                out.append(pos)
                continue
            }
            // digits in groups of up to three
            if f.contains(.number) {
                var groupStart = pos
                while classes(pos).contains(.number) {
                    pos += 1
                    if pos - groupStart == 3 {
                        out.append(pos)
                        groupStart = pos
                    }
                }
                if pos > groupStart { out.append(pos) }
                continue
            }
            // optional space, other symbols, trailing newlines
            var next = c == space ? classes(pos + 1) : f
            if next.isDisjoint(with: [.whitespace, .letter, .number]) {
                if c == space { pos += 1 }
                while isOtherSymbol(next) {
                    pos += 1
                    next = classes(pos)
                }
                while pos < end && (s[pos] == carriageReturn || s[pos] == lineFeed) { pos += 1 }
                out.append(pos)
                continue
            }
            pos = splitWhitespace(s, k, pos, end, newlines: true, &out)
        }
    }

    private static func splitGPT2(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        let s = text.scalars
        let k = text.classes
        @inline(__always) func classes(_ i: Int) -> ScalarText.Classes { i < end ? k[i] : [] }
        var pos = start
        while pos < end {
            let c = s[pos]
            let contraction = contractionLength(s, pos, end, ignoringCase: false)
            if contraction > 0 {
                pos += contraction
                out.append(pos)
                continue
            }
            let lead = c == space ? classes(pos + 1) : k[pos]
            let run: ((ScalarText.Classes) -> Bool)?
            if lead.contains(.letter) {
                run = { $0.contains(.letter) }
            } else if lead.contains(.number) {
                run = { $0.contains(.number) }
            } else if isOtherSymbol(lead) {
                run = isOtherSymbol
            } else {
                run = nil
            }
            if let run {
                if c == space { pos += 1 }
                while pos < end && run(k[pos]) { pos += 1 }
                out.append(pos)
                continue
            }
            pos = splitWhitespace(s, k, pos, end, newlines: false, &out)
        }
    }

    /// The whitespace alternatives shared by both splits, at `pos`; returns the new position.
    @inline(__always)
    private static func splitWhitespace(
        _ s: [UInt32], _ k: [ScalarText.Classes], _ pos: Int, _ end: Int, newlines: Bool, _ out: inout [Int]
    ) -> Int {
        var run = pos
        var afterLastNewline = -1
        while run < end && k[run].contains(.whitespace) {
            if newlines && (s[run] == carriageReturn || s[run] == lineFeed) { afterLastNewline = run + 1 }
            run += 1
        }
        let next: Int
        if afterLastNewline > 0 {
            next = afterLastNewline
        } else if run - pos > 1 && run < end {
            next = run - 1  // leave the last whitespace to the word that follows
        } else if run > pos {
            next = run
        } else {
            next = pos + 1  // nothing matched: the scalar stands alone
        }
        out.append(next)
        return next
    }

    /// Every number scalar alone; runs of other scalars together.
    private static func splitEachNumber(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        var pos = start
        while pos < end {
            if text.classes[pos].contains(.number) {
                pos += 1
            } else {
                while pos < end && !text.classes[pos].contains(.number) { pos += 1 }
            }
            out.append(pos)
        }
    }

    /// Runs of number scalars and runs of other scalars.
    private static func splitNumberRuns(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        splitRuns(text, start, end, &out) { c, _ in c.contains(.number) }
    }

    /// Runs of punctuation and `$+<=>^~|`, and runs of other scalars.
    private static func splitPunctuationRuns(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        splitRuns(text, start, end, &out) { c, scalar in
            c.contains(.punctuation) || [0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C].contains(scalar)
        }
    }

    private static func splitRuns(
        _ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int],
        _ member: (ScalarText.Classes, UInt32) -> Bool
    ) {
        var pos = start
        while pos < end {
            let inside = member(text.classes[pos], text.scalars[pos])
            while pos < end && member(text.classes[pos], text.scalars[pos]) == inside { pos += 1 }
            out.append(pos)
        }
    }

    /// Groups of three ASCII digits, found left to right, and the text between them.
    private static func splitThreeDigits(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
        let s = text.scalars
        @inline(__always) func isDigit(_ i: Int) -> Bool { s[i] >= 0x30 && s[i] <= 0x39 }
        var pos = start
        var pieceStart = start
        while pos + 3 <= end {
            if isDigit(pos) && isDigit(pos + 1) && isDigit(pos + 2) {
                if pos > pieceStart { out.append(pos) }
                pos += 3
                out.append(pos)
                pieceStart = pos
            } else {
                pos += 1
            }
        }
        if end > pieceStart { out.append(end) }
    }
}
