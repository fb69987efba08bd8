import Testing
@testable import LlamaTokenizer

/// GPT-2's byte-to-character table, which every byte-level BPE vocabulary is written in.
@Suite struct ByteUnicodeTests {
    @Test func mappingIsABijectionOntoPrintableScalars() {
        let scalars = ByteUnicode.scalarForByte
        #expect(Set(scalars).count == 256)
        #expect(scalars.allSatisfy { !$0.properties.isWhitespace && $0.properties.generalCategory != .control })
        for byte in 0..<256 {
            #expect(ByteUnicode.byte(for: scalars[byte]) == UInt8(byte))
        }
    }

    @Test func knownCharacters() {
        #expect(ByteUnicode.scalarForByte[0x20] == "Ġ")   // space
        #expect(ByteUnicode.scalarForByte[0x0A] == "Ċ")   // newline
        #expect(ByteUnicode.scalarForByte[0x41] == "A")
        #expect(ByteUnicode.bytes(ofEncoded: "ĠHello") == Array(" Hello".utf8))
        #expect(ByteUnicode.bytes(ofEncoded: "中") == nil)  // not a byte character
        #expect(ByteUnicode.decode("Ġä¸Ń") == Array(" 中".utf8))
    }
}
