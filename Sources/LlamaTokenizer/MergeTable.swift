/// BPE merge rules keyed by the ids of the two tokens they join: each gives its rank (its
/// position in `tokenizer.ggml.merges`, lower merges first) and the id of the joined token.
/// Open-addressed with linear probing; the first rule for a pair wins, as in llama.cpp.
struct MergeTable: Sendable {
    private static let empty = UInt64.max
    private let keys: [UInt64]
    private let values: [UInt64]
    private let mask: Int

    init(_ rules: [(left: Int32, right: Int32, result: Int32)]) {
        var capacity = 16
        while capacity < rules.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: Self.empty, count: capacity)
        var values = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (rank, rule) in rules.enumerated() {
            let key = Self.key(rule.left, rule.right)
            var slot = Self.hash(key) & mask
            while keys[slot] != Self.empty && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == key { continue }
            keys[slot] = key
            values[slot] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: rule.result))
        }
        self.keys = keys
        self.values = values
        self.mask = mask
    }

    /// The rank and joined token of the rule for `left` followed by `right`, or `nil`.
    @inline(__always)
    func find(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32)? {
        let key = Self.key(left, right)
        var slot = Self.hash(key) & mask
        return keys.withUnsafeBufferPointer { keys in
            while true {
                let stored = keys[slot]
                if stored == key {
                    let value = values[slot]
                    return (Int32(truncatingIfNeeded: value >> 32), Int32(truncatingIfNeeded: value))
                }
                if stored == Self.empty { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        let h = key &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 20)
    }
}
