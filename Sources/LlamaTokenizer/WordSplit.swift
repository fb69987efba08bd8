/// The two word-level expressions most BPE pre-tokenizers are built on, LLaMA 3's and
/// GPT-2's (see ``SplitStage/llama3Words(longestNumber:)`` and ``SplitStage/gpt2Words``),
/// written out by hand over Unicode scalars and their classes.
enum WordSplit {
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

    static func llama3(_ text: ScalarText, _ start: Int, _ end: Int, longestNumber: Int, _ out: inout [Int]) {
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
            // digits in groups of up to `longestNumber`
            if f.contains(.number) {
                var groupStart = pos
                while classes(pos).contains(.number) {
                    pos += 1
                    if pos - groupStart == longestNumber {
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

    static func gpt2(_ text: ScalarText, _ start: Int, _ end: Int, _ out: inout [Int]) {
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
}
