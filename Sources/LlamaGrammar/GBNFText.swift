/// Helpers for writing GBNF text.
enum GBNFText {
    /// `text` as a GBNF string literal.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars { out += escaped(scalar, inClass: false) }
        return out + "\""
    }

    /// One scalar as it may be written inside a GBNF literal or class.
    static func escaped(_ scalar: Unicode.Scalar, inClass: Bool) -> String {
        switch scalar {
        case "\"": return inClass ? "\"" : "\\\""
        case "\\": return "\\\\"
        case "]" where inClass, "[" where inClass, "-" where inClass, "^" where inClass: return "\\" + String(scalar)
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "\\x" + (hex.count < 2 ? "0" : "") + hex
            }
            return String(scalar)
        }
    }

    /// A class over inclusive scalar ranges, e.g. `[a-z0-9]`.
    static func characterClass(_ ranges: [ClosedRange<UInt32>], negated: Bool = false) -> String {
        var out = negated ? "[^" : "["
        for range in ranges {
            out += escaped(Unicode.Scalar(range.lowerBound)!, inClass: true)
            if range.upperBound != range.lowerBound {
                out += "-" + escaped(Unicode.Scalar(range.upperBound)!, inClass: true)
            }
        }
        return out + "]"
    }
}
