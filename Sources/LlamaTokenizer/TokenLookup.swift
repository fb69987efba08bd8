/// An immutable hash map from byte strings to token ids, probed with byte spans so that
/// lookups during encoding never build a `String` or an `Array`.
///
/// Keys live back to back in one buffer; the table is open-addressed with linear probing.
/// When two entries share a key the later one wins, as in llama.cpp's text-to-id map.
struct TokenLookup: Sendable {
    private let storage: [UInt8]
    private let starts: [Int32]
    private let values: [Int32]
    private let slots: [Int32]
    private let mask: Int

    /// Builds the map from `(key, value)` pairs.
    init(_ entries: [(key: [UInt8], value: Int32)]) {
        var storage: [UInt8] = []
        storage.reserveCapacity(entries.reduce(0) { $0 + $1.key.count })
        var starts: [Int32] = [0]
        var values: [Int32] = []
        for entry in entries {
            storage.append(contentsOf: entry.key)
            starts.append(Int32(storage.count))
            values.append(entry.value)
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        storage.withUnsafeBufferPointer { bytes in
            for index in 0..<entries.count {
                let key = UnsafeBufferPointer(rebasing: bytes[Int(starts[index])..<Int(starts[index + 1])])
                var slot = Self.hash(key) & mask
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    let otherKey = UnsafeBufferPointer(rebasing: bytes[Int(starts[other])..<Int(starts[other + 1])])
                    if otherKey.elementsEqual(key) { break }
                    slot = (slot + 1) & mask
                }
                slots[slot] = Int32(index)
            }
        }
        self.storage = storage
        self.starts = starts
        self.values = values
        self.slots = slots
        self.mask = mask
    }

    /// The value stored for the bytes of `key`, or `nil`.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var slot = Self.hash(key) & mask
        return storage.withUnsafeBufferPointer { bytes in
            while true {
                let entry = Int(slots[slot])
                if entry < 0 { return nil }
                let start = Int(starts[entry])
                let length = Int(starts[entry + 1]) - start
                if length == key.count,
                   key.count == 0 || memoryEqual(bytes.baseAddress! + start, key.baseAddress!, key.count) {
                    return values[entry]
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

    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}
