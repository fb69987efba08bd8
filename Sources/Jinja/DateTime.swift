#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A calendar date and time of day, for `strftime_now`.
public struct DateTime: Sendable, Equatable {
    public var year: Int
    /// 1 to 12.
    public var month: Int
    /// 1 to 31.
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The current local time, as Python's `datetime.now()` gives it.
    public static func now() -> DateTime {
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return DateTime(
            year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    /// 0 for Monday through 6 for Sunday.
    var weekday: Int {
        // Days since 1970-01-01 (a Thursday), by the civil-from-days algorithm run backwards.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        return ((days % 7 + 7) % 7 + 3) % 7
    }

    var dayOfYear: Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][month - 1]
        return before + day + (leap && month > 2 ? 1 : 0)
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    private static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// `strftime` in the C locale: `%Y %y %m %d %e %B %b %A %a %H %I %M %S %p %j %%`, and glibc's
    /// `%-d`-style flag for no padding. Other directives are kept as written.
    func format(_ format: String) -> String {
        var out = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            guard var directive = scalars.next() else { out += "%"; break }
            var pad = true
            if directive == "-", let next = scalars.next() {
                pad = false
                directive = next
            }
            func number(_ value: Int, _ width: Int) -> String {
                let digits = String(value)
                return pad ? String(repeating: "0", count: max(0, width - digits.count)) + digits : digits
            }
            switch directive {
            case "Y": out += String(year)
            case "y": out += number(year % 100, 2)
            case "m": out += number(month, 2)
            case "d": out += number(day, 2)
            case "e": out += pad && day < 10 ? " \(day)" : String(day)
            case "B": out += DateTime.monthNames[month - 1]
            case "b", "h": out += String(DateTime.monthNames[month - 1].prefix(3))
            case "A": out += DateTime.dayNames[weekday]
            case "a": out += String(DateTime.dayNames[weekday].prefix(3))
            case "H": out += number(hour, 2)
            case "I": out += number(hour % 12 == 0 ? 12 : hour % 12, 2)
            case "M": out += number(minute, 2)
            case "S": out += number(second, 2)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "j": out += number(dayOfYear, 3)
            case "F": out += "\(year)-\(number(month, 2))-\(number(day, 2))"
            case "%": out += "%"
            default:
                out += "%" + (pad ? "" : "-")
                out.unicodeScalars.append(directive)
            }
        }
        return out
    }
}

/// `x ** y` for floats, as Python's `pow` (C's `pow`).
func pythonPower(_ x: Double, _ y: Double) -> Double {
    pow(x, y)
}
