import FixtureSupport
import Testing
@testable import LlamaTokenizer

/// Short words merge by scanning, long ones through a heap; both must pick the same merges.
@Suite struct MergeStrategyTests {
    @Test(.fixtures("tokenizer/ggml-vocab-llama-bpe.gguf")) func scanningAndHeapAgree() throws {
        let tokenizer = try TestTokenizers.load("tokenizer/ggml-vocab-llama-bpe.gguf")
        guard case .bytePair(let bpe, _) = tokenizer.encoder else { return }
        var generator = SplitMix64(seed: 7)
        let alphabets: [[Unicode.Scalar]] = [
            Array("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种".unicodeScalars),
            Array("abcdefghijklmnopqrstuvwxyzABCDE    ,.;!?'0123456789".unicodeScalars),
            Array("ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱ😀😁🦙🚀".unicodeScalars),
        ]
        var scratch = BytePairEncoder.Scratch(inputLength: 0)
        for _ in 0..<400 {
            let alphabet = alphabets[generator.next(alphabets.count)]
            var word = String.UnicodeScalarView()
            for _ in 0..<(1 + generator.next(80)) { word.append(alphabet[generator.next(alphabet.count)]) }
            let bytes = Array(String(word).utf8)
            var scanned: [Int] = []
            var heaped: [Int] = []
            bytes.withUnsafeBufferPointer {
                bpe.mergeByScanning($0, into: &scanned, scratch: &scratch)
                bpe.mergeWithHeap($0, into: &heaped)
            }
            #expect(scanned == heaped, "word \(String(word).debugDescription)")
            if scanned != heaped { break }
        }
    }
}

extension SplitMix64 {
    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
