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
        guard value < byteForScalar.count, byteForScalar[value] >= 0 else { return nil }
        return UInt8(byteForScalar[value])
    }

    /// The bytes a BPE token's text stands for, or `nil` when the text holds a scalar outside
    /// the mapping (such texts cannot come out of byte-level pre-tokenization).
    static func bytes(ofEncoded text: String) -> [UInt8]? {
        var result: [UInt8] = []
        var text = text
        let mapped = text.withUTF8 { append(encoded: $0, to: &result) }
        return mapped ? result : nil
    }

    /// Appends the bytes that the UTF-8 text `encoded` stands for; returns false, with
    /// `result` partly written, when a scalar lies outside the mapping.
    static func append(encoded: UnsafeBufferPointer<UInt8>, to result: inout [UInt8]) -> Bool {
        var i = 0
        while i < encoded.count {
            let lead = encoded[i]
            let value: Int
            if lead < 0x80 {
                value = Int(lead)
                i += 1
            } else if lead & 0xE0 == 0xC0, i + 1 < encoded.count {
                value = Int(lead & 0x1F) << 6 | Int(encoded[i + 1] & 0x3F)
                i += 2
            } else {
                return false  // three bytes or more: above every mapped scalar
            }
            guard value < byteForScalar.count, byteForScalar[value] >= 0 else { return false }
            result.append(UInt8(byteForScalar[value]))
        }
        return true
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

    /// The byte each scalar value below U+0144 stands for, or -1.
    private static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 256 + 68)
        for (byte, scalar) in scalarForByte.enumerated() { table[Int(scalar.value)] = Int16(byte) }
        return table
    }()
}
