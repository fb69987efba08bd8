/// A set of Unicode scalars as a pre-tokenizer's character classes name them: every scalar of
/// some general classes (`\p{L}`, `\p{N}`, `\p{P}`) plus explicit ranges (`[0-9]`, `[一-龥]`).
///
/// llama.cpp's expression engine sees every non-ASCII whitespace scalar as one stand-in
/// whitespace character, so such a scalar never falls inside an explicit range (U+3000, the
/// ideographic space, is not in `[　-。]`).
struct ScalarSet: Sendable {
    /// Scalars of any of these classes belong to the set.
    let classes: ScalarText.Classes
    /// Further members, sorted and disjoint.
    let ranges: [ClosedRange<UInt32>]

    init(classes: ScalarText.Classes = [], ranges: [ClosedRange<UInt32>] = []) {
        self.classes = classes
        self.ranges = ranges.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Whether the scalar at `index` of `text` belongs to the set.
    @inline(__always)
    func contains(_ text: ScalarText, _ index: Int) -> Bool {
        let scalarClasses = text.classes[index]
        if !scalarClasses.isDisjoint(with: classes) { return true }
        if ranges.isEmpty { return false }
        let scalar = text.scalars[index]
        if scalar >= 0x80 && scalarClasses.contains(.whitespace) { return false }
        return inRanges(scalar)
    }

    private func inRanges(_ scalar: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < scalar {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count && ranges[low].contains(scalar)
    }
}

extension ScalarSet {
    /// `\p{L}`.
    static let letters = ScalarSet(classes: .letter)
    /// `\p{N}`.
    static let numbers = ScalarSet(classes: .number)
    /// `\p{P}`.
    static let punctuation = ScalarSet(classes: .punctuation)
    /// `[\r\n]`.
    static let lineBreaks = ScalarSet(ranges: [0x0A...0x0A, 0x0D...0x0D])
    /// `\n` alone.
    static let lineFeed = ScalarSet(ranges: [0x0A...0x0A])
    /// `[\p{P}\$\+<=>\^~\|]`: punctuation and the ASCII symbols that the default BPE
    /// pre-tokenizer keeps with it.
    static let punctuationAndSymbols = ScalarSet(
        classes: .punctuation, ranges: [0x24...0x24, 0x2B...0x2B, 0x3C...0x3E, 0x5E...0x5E, 0x7C...0x7C, 0x7E...0x7E])
    /// `[\p{P}\$\+<=>\^~\|`]`: Falcon's variant, with the backtick.
    static let punctuationSymbolsAndBacktick = ScalarSet(
        classes: .punctuation,
        ranges: [0x24...0x24, 0x2B...0x2B, 0x3C...0x3E, 0x5E...0x5E, 0x60...0x60, 0x7C...0x7C, 0x7E...0x7E])
    /// `[一-龥ࠀ-一가-퟿]`: DeepSeek's run of CJK and other scripts (U+0800 to U+9FA5, and the
    /// Hangul syllables and jamo U+AC00 to U+D7FF).
    static let deepSeekIdeographs = ScalarSet(ranges: [0x0800...0x9FA5, 0xAC00...0xD7FF])
    /// `[!-/:-~！-／：-～‘-‟　-。]`: DeepSeek LLM's punctuation, which includes the ASCII letters
    /// (they were split off as letters by the stage before) and the fullwidth forms.
    static let deepSeekPunctuation = ScalarSet(ranges: [
        0x21...0x2F, 0x3A...0x7E, 0x2018...0x201F, 0x3000...0x3002, 0xFF01...0xFF0F, 0xFF1A...0xFF5E,
    ])
    /// DeepSeek LLM's letter class: the cased letters of Latin, Greek, Cyrillic, Armenian,
    /// Georgian, Cherokee, Glagolitic, Coptic, Deseret, Osage, Old Hungarian, Warang Citi, Adlam
    /// and the letterlike symbols, as its expression lists them (no uncased scripts: CJK, Thai
    /// and Khmer are not letters here).
    static let deepSeekLetters = ScalarSet(ranges: [
        0x41...0x5A, 0x61...0x7A, 0xB5...0xB5, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x1BA, 0x1BC...0x1BF,
        0x1C4...0x293, 0x295...0x2AF, 0x370...0x373, 0x376...0x377, 0x37B...0x37D, 0x37F...0x37F,
        0x386...0x386, 0x388...0x38A, 0x38C...0x38C, 0x38E...0x3A1, 0x3A3...0x3F5, 0x3F7...0x481,
        0x48A...0x52F, 0x531...0x556, 0x10A0...0x10C5, 0x13A0...0x13F5, 0x13F8...0x13FD,
        0x1C90...0x1CBA, 0x1CBD...0x1CBF, 0x1D00...0x1D2B, 0x1D6B...0x1D77, 0x1D79...0x1D9A,
        0x1E00...0x1F15, 0x1F18...0x1F1D, 0x1F20...0x1F45, 0x1F48...0x1F4D, 0x1F50...0x1F57,
        0x1F59...0x1F59, 0x1F5B...0x1F5B, 0x1F5D...0x1F5D, 0x1F5F...0x1F7D, 0x1F80...0x1FB4,
        0x1FB6...0x1FBC, 0x1FBE...0x1FBE, 0x1FC2...0x1FC4, 0x1FC6...0x1FCC, 0x1FD0...0x1FD3,
        0x1FD6...0x1FDB, 0x1FE0...0x1FEC, 0x1FF2...0x1FF4, 0x1FF6...0x1FFC, 0x2102...0x2102,
        0x2107...0x2107, 0x210A...0x2113, 0x2115...0x2115, 0x2119...0x211D, 0x2124...0x2124,
        0x2126...0x2126, 0x2128...0x2128, 0x212A...0x212D, 0x212F...0x2134, 0x2139...0x2139,
        0x213C...0x213F, 0x2145...0x2149, 0x214E...0x214E, 0x2183...0x2184, 0x2C00...0x2C7B,
        0x2C7E...0x2CE4, 0x2CEB...0x2CEE, 0x2CF2...0x2CF3, 0xA640...0xA66D, 0xA680...0xA69B,
        0xA722...0xA76F, 0xA771...0xA787, 0xA78B...0xA78E, 0xAB70...0xABBF, 0xFB00...0xFB06,
        0xFB13...0xFB17, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x10400...0x1044F, 0x104B0...0x104D3,
        0x104D8...0x104FB, 0x10C80...0x10CB2, 0x10CC0...0x10CF2, 0x118A0...0x118DF, 0x1E900...0x1E943,
    ])
}
