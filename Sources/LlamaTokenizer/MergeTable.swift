/// BPE merge rules keyed by the ids of the two tokens they join: each gives its rank (its
/// position in `tokenizer.ggml.merges`, lower merges first) and the id of the joined token.
/// The first rule for a pair wins, as in llama.cpp.
struct MergeTable: Sendable {
    private let map: PairMap

    init(_ rules: [(left: Int32, right: Int32, result: Int32)]) {
        map = PairMap(rules.enumerated().map { rank, rule in
            (Self.key(rule.left, rule.right), UInt64(rank) << 32 | UInt64(UInt32(bitPattern: rule.result)))
        })
    }

    /// The packed rule for a pair key (rank << 32 | result), or `nil`.
    @inline(__always)
    func find(key: UInt64) -> UInt64? {
        map.find(key)
    }

    /// The rank and joined token of the rule for `left` followed by `right`, or `nil` (also
    /// for the id -1 that stands for a byte without a token: two of them would make the empty
    /// marker as a key).
    @inline(__always)
    func find(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32)? {
        guard left >= 0, right >= 0 else { return nil }
        return find(key: Self.key(left, right)).map(Self.unpack)
    }

    @inline(__always)
    static func unpack(_ value: UInt64) -> (rank: Int32, result: Int32) {
        (Int32(truncatingIfNeeded: value >> 32), Int32(truncatingIfNeeded: value))
    }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}

/// A small direct-mapped memo of merge-table answers for one encode call: text repeats the
/// same byte pairs (CJK lead bytes above all), and a hit here avoids a cache miss in the
/// large table.
struct MergeMemo {
    private static let unused = UInt64.max
    private static let noRule = UInt64.max
    private let mask: Int
    /// Key at `2i`, answer at `2i + 1` (`noRule` when the pair has none).
    private var slots: [UInt64]

    /// A memo sized for encoding about `inputLength` bytes (256 to 4096 entries).
    init(inputLength: Int) {
        var size = 256
        while size < inputLength / 16 && size < 4096 { size <<= 1 }
        mask = size - 1
        slots = [UInt64](repeating: Self.unused, count: 2 * size)
    }

    @inline(__always)
    mutating func find(_ left: Int32, _ right: Int32, in table: MergeTable) -> (rank: Int32, result: Int32)? {
        guard left >= 0, right >= 0 else { return nil }
        let key = MergeTable.key(left, right)
        let slot = 2 * (PairMap.hash(key) & mask)
        return slots.withUnsafeMutableBufferPointer { slots in
            if slots[slot] == key {
                let value = slots[slot + 1]
                return value == Self.noRule ? nil : MergeTable.unpack(value)
            }
            let value = table.find(key: key)
            slots[slot] = key
            slots[slot + 1] = value ?? Self.noRule
            return value.map(MergeTable.unpack)
        }
    }
}
