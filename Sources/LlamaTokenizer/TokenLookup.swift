/// An immutable hash map from byte strings to token ids, probed with byte spans so that
/// lookups during encoding never build a `String` or an `Array`.
///
/// Keys live back to back in one buffer. Each slot of the open-addressed table (linear
/// probing) holds 32 bits of the key's hash beside the entry index, so a probe that misses
/// rarely touches the keys; an entry's start, end and value sit together. When two entries
/// share a key the later one wins, as in llama.cpp's text-to-id map.
struct TokenLookup: Sendable {
    private static let emptySlot = UInt64.max
    private let storage: [UInt8]
    /// Per entry: start, end (in `storage`) and value.
    private let entries: [Int32]
    /// Per slot: hash << 32 | entry index, or `emptySlot`.
    private let slots: [UInt64]
    private let mask: Int

    /// Builds the map from `(key, value)` pairs.
    init(_ pairs: [(key: [UInt8], value: Int32)]) {
        var storage: [UInt8] = []
        storage.reserveCapacity(pairs.reduce(0) { $0 + $1.key.count })
        var entries: [Int32] = []
        entries.reserveCapacity(pairs.count * 3)
        for pair in pairs {
            entries.append(Int32(storage.count))
            storage.append(contentsOf: pair.key)
            entries.append(Int32(storage.count))
            entries.append(pair.value)
        }
        var capacity = 16
        while capacity < pairs.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: Self.emptySlot, count: capacity)
        let mask = capacity - 1
        storage.withUnsafeBufferPointer { bytes in
            func key(_ entry: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: bytes[Int(entries[3 * entry])..<Int(entries[3 * entry + 1])])
            }
            for entry in 0..<pairs.count {
                let hash = Self.hash(key(entry))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot] != Self.emptySlot {
                    let other = Int(UInt32(truncatingIfNeeded: slots[slot]))
                    if slots[slot] >> 32 == hash >> 32 && key(other).elementsEqual(key(entry)) { break }
                    slot = (slot + 1) & mask
                }
                slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(entry)
            }
        }
        self.storage = storage
        self.entries = entries
        self.slots = slots
        self.mask = mask
    }

    /// The value stored for the bytes of `key`, or `nil`.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        let tag = hash >> 32
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let stored = slots[slot]
                if stored == Self.emptySlot { return nil }
                if stored >> 32 == tag {
                    let entry = 3 * Int(UInt32(truncatingIfNeeded: stored))
                    let found: Int32? = entries.withUnsafeBufferPointer { entries in
                        let start = Int(entries[entry])
                        guard Int(entries[entry + 1]) - start == key.count else { return nil }
                        let equal = storage.withUnsafeBufferPointer { bytes in
                            key.count == 0 || memoryEqual(bytes.baseAddress! + start, key.baseAddress!, key.count)
                        }
                        return equal ? entries[entry + 2] : nil
                    }
                    if let found { return found }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The value stored for `key`, or `nil`.
    func find(_ key: some Sequence<UInt8>) -> Int32? {
        let bytes = Array(key)
        return bytes.withUnsafeBufferPointer { find($0) }
    }

    /// 64-bit FNV-1a with a final mix: the low bits pick the slot, the high 32 are the tag.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}
