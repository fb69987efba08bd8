import Testing
@testable import LlamaTokenizer

/// Character classes follow llama.cpp's Unicode 15.1 tables, not the newer Unicode the Swift
/// runtime knows: a letter assigned later (U+A7CB, Unicode 16) has no class, like an unassigned
/// code point, so pre-tokenizers split around it exactly as llama.cpp does.
@Suite struct ScalarClassTests {
    func classes(_ text: String) -> [ScalarText.Classes] {
        var text = text
        return text.withUTF8 { ScalarText(utf8: $0).classes }
    }

    @Test func classesOfKnownScalars() {
        #expect(classes("aZ") == [[.present, .letter], [.present, .letter]])
        #expect(classes("7٣²") == [[.present, .number], [.present, .number], [.present, .number]])
        #expect(classes(" \u{3000}\n") == [[.present, .whitespace], [.present, .whitespace], [.present, .whitespace]])
        #expect(classes("!「") == [[.present, .punctuation], [.present, .punctuation]])
        #expect(classes("中") == [[.present, .letter]])
    }

    @Test func scalarsNewerThanUnicode15_1HaveNoClass() {
        #expect(classes("\u{A7CB}") == [[.present]])   // LATIN CAPITAL LETTER RAMS HORN, Unicode 16
        #expect(classes("\u{0378}") == [[.present]])   // unassigned
        #expect(classes("\u{A7C0}") == [[.present, .letter]])  // Unicode 14: a letter
    }
}
