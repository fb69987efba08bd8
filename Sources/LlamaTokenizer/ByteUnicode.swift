/// GPT-2's reversible mapping between bytes and printable Unicode scalars, used by BPE
/// vocabularies to store arbitrary bytes as visible text (a space is stored as `Ġ`, U+0120).
///
/// Printable Latin-1 bytes map to themselves; the 68 others map, in byte order, to U+0100 onwards.
enum ByteUnicode {
    /// The scalar that stands for each byte.
    static let scalarForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar stands for, or `nil` for a scalar outside the mapping.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        if value < 256 { return isPrintable(value) ? UInt8(value) : nil }
        guard value < 256 + 68 else { return nil }
        return byteForExtendedScalar[value - 256]
    }

    /// The bytes a BPE token's text stands for, or `nil` when the text holds a scalar outside
    /// the mapping (such texts cannot come out of byte-level pre-tokenization).
    static func bytes(ofEncoded text: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            result.append(byte)
        }
        return result
    }

    /// Decodes a BPE token's text to bytes; scalars outside the mapping keep their own UTF-8.
    static func decode(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        for scalar in text.unicodeScalars {
            if let byte = byte(for: scalar) {
                result.append(byte)
            } else {
                result.append(contentsOf: String(scalar).utf8)
            }
        }
        return result
    }

    private static func isPrintable(_ byte: Int) -> Bool {
        (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
    }

    private static let byteForExtendedScalar: [UInt8] = {
        var table: [UInt8] = []
        for byte in 0..<256 where !isPrintable(byte) { table.append(UInt8(byte)) }
        return table
    }()
}
