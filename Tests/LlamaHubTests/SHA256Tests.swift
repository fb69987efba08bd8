@testable import LlamaHub
import Testing

/// The SHA-256 the downloads are checked with, against the examples of FIPS 180-4 (as NIST
/// publishes them) and against itself fed in pieces of every awkward size.
@Suite struct SHA256Tests {
    static func digest(_ text: String) -> String {
        var hasher = SHA256()
        hasher.update(Array(text.utf8))
        return hasher.hexDigest()
    }

    @Test func fipsExamples() {
        #expect(Self.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Self.digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Self.digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
            == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionAs() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let whole = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var oneShot = SHA256()
        oneShot.update(whole)
        #expect(oneShot.hexDigest() == expected)
        var pieces = SHA256()
        for start in stride(from: 0, to: whole.count, by: 999) {
            pieces.update(whole[start..<min(start + 999, whole.count)])
        }
        #expect(pieces.hexDigest() == expected)
    }

    /// Two updates split at every offset across two blocks and a padding boundary.
    @Test func everySplitOfTwoUpdates() {
        let message = TestData.randomBytes(131, seed: 7)
        var whole = SHA256()
        whole.update(message)
        let expected = whole.finalize()
        for split in 0...message.count {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
    }

    /// Lengths around the 55/56/64-byte boundaries where the padding takes one block or two.
    @Test(arguments: [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000])
    func oddChunkSizes(length: Int) {
        let message = TestData.randomBytes(length, seed: UInt64(length) + 1)
        var whole = SHA256()
        whole.update(message)
        let chunks = [1, 3, 55, 56, 63, 64, 65, 127, 200]
        var hasher = SHA256()
        var offset = 0, turn = 0
        while offset < message.count {
            let end = min(offset + chunks[turn % chunks.count], message.count)
            hasher.update(message[offset..<end])
            offset = end
            turn += 1
        }
        #expect(hasher.hexDigest() == whole.hexDigest())
        #expect(whole.finalize().count == 32)
    }

    /// Finalizing leaves the hasher as it was: the digest is the same twice, and updates go on.
    @Test func finalizeDoesNotConsume() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        let first = hasher.hexDigest()
        #expect(hasher.hexDigest() == first)
        hasher.update(Array("c".utf8))
        #expect(hasher.hexDigest() == Self.digest("abc"))
    }
}
