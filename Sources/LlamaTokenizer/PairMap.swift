/// An immutable hash map from 64-bit keys to 64-bit values, open-addressed with linear probing;
/// a slot's key and value sit side by side so that a probe touches one cache line. The first
/// value given for a key wins. `UInt64.max` marks empty slots and is never a key.
struct PairMap: Sendable {
    static let emptyKey = UInt64.max
    /// Key of slot `i` at `2i`, its value at `2i + 1`.
    private let slots: [UInt64]
    private let mask: Int

    init(_ entries: [(key: UInt64, value: UInt64)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: Self.emptyKey, count: 2 * capacity)
        let mask = capacity - 1
        for entry in entries where entry.key != Self.emptyKey {
            var slot = Self.hash(entry.key) & mask
            while slots[2 * slot] != Self.emptyKey && slots[2 * slot] != entry.key { slot = (slot + 1) & mask }
            if slots[2 * slot] == entry.key { continue }
            slots[2 * slot] = entry.key
            slots[2 * slot + 1] = entry.value
        }
        self.slots = slots
        self.mask = mask
    }

    /// The value for `key`, or `nil`.
    @inline(__always)
    func find(_ key: UInt64) -> UInt64? {
        var slot = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let stored = slots[2 * slot]
                if stored == key { return slots[2 * slot + 1] }
                if stored == Self.emptyKey { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    static func hash(_ key: UInt64) -> Int {
        let h = key &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 20)
    }
}
