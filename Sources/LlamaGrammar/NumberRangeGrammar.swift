/// GBNF for decimal numbers within bounds, as far as a grammar can say them.
///
/// Integer ranges are exact. Bounded non-integer numbers are limited to the values whose
/// integer part lies in range with any fraction, plus the boundary value itself with a zero
/// fraction: every string generated satisfies the bounds, though not every satisfying number
/// (such as 0.5 with an exclusive minimum of 0) can be generated. Bounded numbers have no
/// exponent.
enum NumberRangeGrammar {
    /// The most digits in an integer part: keeps unbounded ranges finite.
    static let maxDigits = 16
    static let fraction = "(\".\" [0-9]{1,15})"
    static let zeroFraction = "(\".\" \"0\"{1,15})"

    /// Non-negative integers from `low` to `high` (nil: up to `maxDigits` digits), without
    /// leading zeros; nil when the range is empty.
    static func nonNegativeIntegers(_ low: UInt64, _ high: UInt64?) -> String? {
        let top = high ?? (pow10(maxDigits) - 1)
        guard low <= top else { return nil }
        var parts: [String] = []
        let lowDigits = digitCount(low)
        let highDigits = digitCount(top)
        for n in lowDigits...highDigits {
            let a = max(low, n == 1 ? 0 : pow10(n - 1))
            let b = min(top, pow10(n) - 1)
            if a <= b { parts.append(sameLength(digits(a), digits(b))) }
        }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " | ") + ")"
    }

    /// Integers in `low...high` (nil: unbounded on that side).
    static func integers(_ low: Int64?, _ high: Int64?) -> String? {
        if let low, let high, low > high { return nil }
        if let low, low >= 0 { return nonNegativeIntegers(UInt64(low), high.map(UInt64.init)) }
        if let high, high < 0 {
            return nonNegativeIntegers(UInt64(-high), low.map { UInt64(-$0) }).map { "\"-\" " + $0 }
        }
        // The range spans zero: negatives (without "-0") or non-negatives.
        var parts: [String] = []
        if let negative = nonNegativeIntegers(1, low.map { UInt64(-$0) }) { parts.append("\"-\" " + negative) }
        if let positive = nonNegativeIntegers(0, high.map(UInt64.init)) { parts.append(positive) }
        return "(" + parts.joined(separator: " | ") + ")"
    }

    /// Numbers `x >= 0` within the bounds (`upper` nil: unbounded); nil when none can be written.
    static func nonNegativeNumbers(lower: Double, lowerExclusive: Bool, upper: Double?, upperExclusive: Bool) -> String? {
        let smallest = lowerExclusive ? lower.rounded(.down) + 1 : lower.rounded(.up)
        guard smallest >= 0, smallest < 1e15 else { return nil }
        let k = UInt64(smallest)
        guard let upper else {
            return nonNegativeIntegers(k, nil).map { $0 + " " + fraction + "?" }
        }
        var parts: [String] = []
        // Integer parts whose whole unit interval lies below `upper` take any fraction.
        let floorUpper = upper.rounded(.down)
        if floorUpper - 1 >= smallest, let any = nonNegativeIntegers(k, UInt64(min(floorUpper - 1, 1e15))) {
            parts.append(any + " " + fraction + "?")
        }
        if floorUpper >= smallest, floorUpper < 1e15, floorUpper < upper || !upperExclusive {
            parts.append("\"\(UInt64(floorUpper))\" " + zeroFraction + "?")
        }
        if parts.isEmpty { return nil }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " | ") + ")"
    }

    /// Numbers within the bounds (nil: unbounded on that side); nil when none can be written.
    static func numbers(minimum: Double?, exclusiveMinimum: Bool, maximum: Double?, exclusiveMaximum: Bool) -> String? {
        var parts: [String] = []
        // Negative values -x: x within the mirrored bounds.
        if minimum == nil || minimum! < 0 {
            let lower: Double
            let lowerExclusive: Bool
            if let maximum, maximum < 0 {
                (lower, lowerExclusive) = (-maximum, exclusiveMaximum)
            } else if let maximum, maximum == 0, exclusiveMaximum {
                (lower, lowerExclusive) = (0, true)
            } else {
                (lower, lowerExclusive) = (0, false)
            }
            if let negative = nonNegativeNumbers(
                lower: lower, lowerExclusive: lowerExclusive,
                upper: minimum.map { -$0 }, upperExclusive: exclusiveMinimum
            ) {
                parts.append("\"-\" " + negative)
            }
        }
        if maximum == nil || maximum! > 0 || (maximum! == 0 && !exclusiveMaximum) {
            let lower = max(minimum ?? 0, 0)
            if let positive = nonNegativeNumbers(
                lower: lower, lowerExclusive: (minimum ?? -1) >= 0 ? exclusiveMinimum : false,
                upper: maximum, upperExclusive: exclusiveMaximum
            ) {
                parts.append(positive)
            }
        }
        if parts.isEmpty { return nil }
        return "(" + parts.joined(separator: " | ") + ")"
    }

    /// Strings of `a.count` digits from `a` to `b` (same length, `a <= b`).
    private static func sameLength(_ a: [UInt8], _ b: [UInt8]) -> String {
        guard let first = a.first, let last = b.first else { return "" }
        let restA = Array(a.dropFirst())
        let restB = Array(b.dropFirst())
        if first == last {
            let rest = sameLength(restA, restB)
            return "\"\(first)\"" + (rest.isEmpty ? "" : " " + rest)
        }
        let free = restA.count
        let anyTail = free == 0 ? "" : " [0-9]{\(free)}"
        var middleLow = first + 1
        var middleHigh = last - 1
        var parts: [String] = []
        if restA.allSatisfy({ $0 == 0 }) { middleLow = first } else {
            parts.append("\"\(first)\" " + sameLength(restA, [UInt8](repeating: 9, count: free)))
        }
        var upperPart: String?
        if restB.allSatisfy({ $0 == 9 }) { middleHigh = last } else {
            upperPart = "\"\(last)\" " + sameLength([UInt8](repeating: 0, count: free), restB)
        }
        if middleLow <= middleHigh {
            let head = middleLow == middleHigh ? "\"\(middleLow)\"" : "[\(middleLow)-\(middleHigh)]"
            parts.append(head + anyTail)
        }
        if let upperPart { parts.append(upperPart) }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " | ") + ")"
    }

    private static func digits(_ value: UInt64) -> [UInt8] { String(value).utf8.map { $0 - 0x30 } }
    private static func digitCount(_ value: UInt64) -> Int { String(value).count }
    private static func pow10(_ n: Int) -> UInt64 { (0..<n).reduce(1) { r, _ in r * 10 } }
}
