/// The pairs of adjacent scalars that occur inside some token's text. Where two neighbouring
/// characters of the input form a pair outside this set, no token can ever span them, so the
/// SentencePiece merge can work on the pieces between such places one at a time: each merge
/// only ever joins symbols on one side, and the order of merges within a piece is unchanged.
struct ScalarPairSet: Sendable {
    private static let empty = UInt64.max
    private let slots: [UInt64]
    private let mask: Int

    init(tokenTexts: [String]) {
        var pairs: [UInt64] = []
        for text in tokenTexts {
            var previous: UInt32?
            for scalar in text.unicodeScalars {
                if let previous { pairs.append(Self.key(previous, scalar.value)) }
                previous = scalar.value
            }
        }
        var capacity = 16
        while capacity < pairs.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: Self.empty, count: capacity)
        let mask = capacity - 1
        for key in pairs {
            var slot = MergeTable.hash(key) & mask
            while slots[slot] != Self.empty && slots[slot] != key { slot = (slot + 1) & mask }
            slots[slot] = key
        }
        self.slots = slots
        self.mask = mask
    }

    /// Whether some token's text holds `first` immediately followed by `second`.
    @inline(__always)
    func contains(_ first: UInt32, _ second: UInt32) -> Bool {
        let key = Self.key(first, second)
        var slot = MergeTable.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                if slots[slot] == key { return true }
                if slots[slot] == Self.empty { return false }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private static func key(_ first: UInt32, _ second: UInt32) -> UInt64 {
        UInt64(first) << 32 | UInt64(second)
    }
}
