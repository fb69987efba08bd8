/// Text decoded to Unicode scalars once, with the character classes the pre-tokenizers test
/// and each scalar's UTF-8 offset, so that splitting never touches `String` or `Character`.
struct ScalarText {
    /// Class bits of one scalar.
    struct Classes: OptionSet {
        let rawValue: UInt8
        static let letter = Classes(rawValue: 1)
        static let number = Classes(rawValue: 2)
        static let whitespace = Classes(rawValue: 4)
        static let punctuation = Classes(rawValue: 8)
        /// Set for every scalar of the text, so that "none of the classes" can be told apart
        /// from the empty set that stands for a position past the end. (Unassigned scalars
        /// count as present, as in llama.cpp's tables.)
        static let present = Classes(rawValue: 16)
    }

    private(set) var scalars: [UInt32] = []
    private(set) var classes: [Classes] = []
    /// UTF-8 offset of each scalar, plus the end offset.
    private(set) var offsets: [Int] = []

    var count: Int { scalars.count }

    /// Decodes `bytes`, which must be valid UTF-8 (it comes from a `String`).
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        scalars.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        let ascii = Self.asciiClasses
        // Recently classified non-ASCII scalars: looking up Unicode properties costs more.
        var recentScalars = [UInt32](repeating: .max, count: 512)
        var recentClasses = [Classes](repeating: [], count: 512)
        var i = 0
        let n = bytes.count
        while i < n {
            let lead = bytes[i]
            var value: UInt32
            var length: Int
            switch lead {
            case 0..<0x80: value = UInt32(lead); length = 1
            case 0xC0..<0xE0: value = UInt32(lead & 0x1F); length = 2
            case 0xE0..<0xF0: value = UInt32(lead & 0x0F); length = 3
            case 0xF0..<0xF8: value = UInt32(lead & 0x07); length = 4
            default: value = 0xFFFD; length = 1
            }
            if i + length > n { value = 0xFFFD; length = n - i }
            else if length > 1 {
                for k in 1..<length { value = (value << 6) | UInt32(bytes[i + k] & 0x3F) }
            }
            scalars.append(value)
            if value < 128 {
                classes.append(ascii[Int(value)])
            } else {
                let slot = Int(value & 511)
                if recentScalars[slot] != value {
                    recentScalars[slot] = value
                    recentClasses[slot] = Self.classify(value)
                }
                classes.append(recentClasses[slot])
            }
            offsets.append(i)
            i += length
        }
        offsets.append(n)
    }

    private static let asciiClasses: [Classes] = (0..<128).map { classify(UInt32($0)) }

    private static func classify(_ value: UInt32) -> Classes {
        guard let scalar = Unicode.Scalar(value) else { return [.present] }
        let properties = scalar.properties
        // llama.cpp's tables are Unicode 15.1: scalars assigned later have no class there.
        guard let age = properties.age, age.major < 15 || (age.major == 15 && age.minor <= 1) else {
            return [.present]
        }
        var result: Classes = [.present]
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        default:
            break
        }
        if properties.isWhitespace { result.insert(.whitespace) }
        return result
    }
}
