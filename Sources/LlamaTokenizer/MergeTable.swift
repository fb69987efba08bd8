/// BPE merge rules keyed by the ids of the two tokens they join: each gives its rank (its
/// position in `tokenizer.ggml.merges`, lower merges first) and the id of the joined token.
///
/// Open-addressed with linear probing; a slot's key and value sit side by side so that a probe
/// touches one cache line. The first rule for a pair wins, as in llama.cpp.
struct MergeTable: Sendable {
    private static let empty = UInt64.max
    /// Key of slot `i` at `2i`, value (rank << 32 | result) at `2i + 1`.
    private let slots: [UInt64]
    private let mask: Int

    init(_ rules: [(left: Int32, right: Int32, result: Int32)]) {
        var capacity = 16
        while capacity < rules.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: Self.empty, count: 2 * capacity)
        let mask = capacity - 1
        for (rank, rule) in rules.enumerated() {
            let key = Self.key(rule.left, rule.right)
            var slot = Self.hash(key) & mask
            while slots[2 * slot] != Self.empty && slots[2 * slot] != key { slot = (slot + 1) & mask }
            if slots[2 * slot] == key { continue }
            slots[2 * slot] = key
            slots[2 * slot + 1] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: rule.result))
        }
        self.slots = slots
        self.mask = mask
    }

    /// The packed rule for a pair key (rank << 32 | result), or `nil`. The key must not be the
    /// empty marker, which two -1 ids would make.
    @inline(__always)
    func find(key: UInt64) -> UInt64? {
        var slot = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let stored = slots[2 * slot]
                if stored == key { return slots[2 * slot + 1] }
                if stored == Self.empty { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The rank and joined token of the rule for `left` followed by `right`, or `nil` (also
    /// for the id -1 that stands for a byte without a token).
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

    @inline(__always)
    static func hash(_ key: UInt64) -> Int {
        let h = key &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 20)
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
        let slot = 2 * (MergeTable.hash(key) & mask)
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
