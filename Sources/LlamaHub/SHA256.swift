/// SHA-256 (FIPS 180-4), fed in pieces as a download arrives: ``update(_:)`` any number of
/// times, then ``finalize()``. Written here because Foundation on Linux has no CryptoKit; the
/// hub names each LFS file by this digest, so it is what a download is checked against.
struct SHA256: Sendable {
    /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The hash value H(0) to H(7), starting from the initial value of FIPS 180-4 §5.3.3. An
    /// array, not a `SIMD8`: Swift 6.3 release builds wrote past the async frame of a function
    /// that got a `SIMD8`-holding value back from an `async throws(…)` call, corrupting the heap.
    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    /// Bytes of an incomplete block, waiting for the rest of it; the first `pendingCount` count.
    private var pending = [UInt8](repeating: 0, count: 64)
    private var pendingCount = 0
    /// The message length so far, in bytes.
    private var length: UInt64 = 0

    init() {}

    /// Adds `bytes` to the message.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, remaining)
            let offset = pendingCount
            pending.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: offset).copyMemory(from: base, byteCount: take) }
            pendingCount += take
            base += take
            remaining -= take
            guard pendingCount == 64 else { return }
            pending.withUnsafeBytes { Self.compress(&state, blocks: $0) }
            pendingCount = 0
        }
        let whole = remaining & ~63
        if whole > 0 {
            Self.compress(&state, blocks: UnsafeRawBufferPointer(start: base, count: whole))
        }
        let tail = remaining - whole
        if tail > 0 {
            let start = base + whole
            pending.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: start, byteCount: tail) }
            pendingCount = tail
        }
    }

    /// Adds `bytes` (a `Data`, an `[UInt8]`) to the message.
    mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled == nil { update(Array(bytes)) }
    }

    /// The 32-byte digest of the message added so far; the hasher itself is left as it was.
    func finalize() -> [UInt8] {
        var copy = self
        let bitLength = length &* 8
        // A 1 bit, zeros up to 56 bytes into a block, then the length as a 64-bit big-endian number.
        var padding = [UInt8](repeating: 0, count: (pendingCount < 56 ? 56 : 120) - pendingCount + 8)
        padding[0] = 0x80
        for index in 0..<8 {
            padding[padding.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(index)))
        }
        padding.withUnsafeBytes { copy.update($0) }
        var digest = [UInt8](repeating: 0, count: 32)
        for word in 0..<8 {
            for byte in 0..<4 {
                digest[word * 4 + byte] = UInt8(truncatingIfNeeded: copy.state[word] >> (24 - 8 * UInt32(byte)))
            }
        }
        return digest
    }

    /// ``finalize()`` as 64 lowercase hexadecimal digits, the form the hub writes LFS object ids in.
    func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    @inline(__always)
    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 &- count))
    }

    /// Runs the compression function (FIPS 180-4 §6.2.2) over whole 64-byte blocks.
    private static func compress(_ state: inout [UInt32], blocks: UnsafeRawBufferPointer) {
        roundConstants.withUnsafeBufferPointer { constants in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                var offset = 0
                while offset + 64 <= blocks.count {
                    for index in 0..<16 {
                        schedule[index] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self))
                    }
                    for index in 16..<64 {
                        let early = schedule[index - 15], late = schedule[index - 2]
                        let sigma0 = rotate(early, 7) ^ rotate(early, 18) ^ (early >> 3)
                        let sigma1 = rotate(late, 17) ^ rotate(late, 19) ^ (late >> 10)
                        schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
                    }
                    var a = state[0], b = state[1], c = state[2], d = state[3]
                    var e = state[4], f = state[5], g = state[6], h = state[7]
                    for index in 0..<64 {
                        let sum1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                        let choice = (e & f) ^ (~e & g)
                        let temporary1 = h &+ sum1 &+ choice &+ constants[index] &+ schedule[index]
                        let sum0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        let temporary2 = sum0 &+ majority
                        h = g
                        g = f
                        f = e
                        e = d &+ temporary1
                        d = c
                        c = b
                        b = a
                        a = temporary1 &+ temporary2
                    }
                    state[0] &+= a
                    state[1] &+= b
                    state[2] &+= c
                    state[3] &+= d
                    state[4] &+= e
                    state[5] &+= f
                    state[6] &+= g
                    state[7] &+= h
                    offset += 64
                }
            }
        }
    }
}
