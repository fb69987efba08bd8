/// The tokens of words already encoded during one encode call. Natural text repeats its
/// words; a repeat found here skips merging and the vocabulary's large tables, whose probes
/// miss the CPU cache.
///
/// Only short words are kept, and at most `entryLimit` of them; the table is sized once from
/// the input length and never grows.
struct WordCache {
    static let maxWordLength = 32
    private static let emptySlot = UInt64.max

    private let entryLimit: Int
    private let mask: Int
    /// Per slot: hash tag << 32 | entry index.
    private var slots: [UInt64]
    /// Per entry: start and end in `bytes`, start and end in `ids`.
    private var entries: [Int32] = []
    private var bytes: [UInt8] = []
    private var ids: [Int32] = []

    /// A cache for encoding about `inputLength` bytes.
    init(inputLength: Int) {
        var capacity = 256
        while capacity < inputLength / 8 && capacity < 1 << 16 { capacity <<= 1 }
        slots = [UInt64](repeating: Self.emptySlot, count: capacity)
        mask = capacity - 1
        entryLimit = capacity / 2
    }

    /// Appends the cached tokens of `word` to `output`; false when the word is not cached.
    @inline(__always)
    func append(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, to output: inout [Int]) -> Bool {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == Self.emptySlot { return false }
            if stored >> 32 == hash >> 32 {
                let entry = 4 * Int(UInt32(truncatingIfNeeded: stored))
                let start = Int(entries[entry])
                if Int(entries[entry + 1]) - start == word.count,
                   bytes.withUnsafeBufferPointer({ memoryEqual($0.baseAddress! + start, word.baseAddress!, word.count) }) {
                    for i in Int(entries[entry + 2])..<Int(entries[entry + 3]) { output.append(Int(ids[i])) }
                    return true
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Remembers that `word` encodes to `tokens`, while there is room.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, tokens: ArraySlice<Int>) {
        let entry = entries.count / 4
        guard entry < entryLimit else { return }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != Self.emptySlot { slot = (slot + 1) & mask }
        slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(entry)
        entries.append(Int32(bytes.count))
        bytes.append(contentsOf: word)
        entries.append(Int32(bytes.count))
        entries.append(Int32(ids.count))
        for token in tokens { ids.append(Int32(token)) }
        entries.append(Int32(ids.count))
    }
}
