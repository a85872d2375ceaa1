/// The UTC instant that simulated time 0 stands for: the `origin` sync key (format 5.6).
///
/// Only exported activities read it, to write an `activityDate` Marketo's way: the projection
/// never depends on it, and the simulator still reads no clock.
public struct Origin: Sendable, Equatable {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it).
    public var seconds: Int64
    /// The digits of a fraction of a second, as written, without trailing zeros ("" for none).
    public var fraction: String

    /// 1970-01-01T00:00:00Z, the default.
    public static let epoch = Origin(seconds: 0, fraction: "")

    public init(seconds: Int64, fraction: String) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS`, an optional `.` and fraction digits, then `Z` or `+00:00`.
    /// Returns nil for any other text or an impossible date (February 30th, hour 24).
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var n: Int64 = 0
            for i in from..<from + count {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int64(b[i] - 0x30)
            }
            return n
        }
        func at(_ i: Int, _ ch: Character) -> Bool { i < b.count && b[i] == ch.asciiValue! }
        guard let year = digits(0, 4), at(4, "-"), let month = digits(5, 2), at(7, "-"), let day = digits(8, 2),
              at(10, "T"), let hour = digits(11, 2), at(13, ":"), let minute = digits(14, 2), at(16, ":"),
              let second = digits(17, 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        var i = 19
        var fraction = ""
        if at(i, ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return nil }
            fraction = String(decoding: b[start..<i], as: UTF8.self)
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        let zone = String(decoding: b[min(i, b.count)...], as: UTF8.self)
        guard zone == "Z" || zone == "+00:00" else { return nil }
        self.seconds = Self.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
        self.fraction = fraction
    }

    /// The instant `at` seconds after the origin, as ISO 8601 in UTC: `2026-03-01T09:05:00Z`.
    public func date(at: Seconds) -> String {
        let total = seconds + at
        let days = floorDiv(total, 86_400)
        let rest = total - days * 86_400
        let (y, m, d) = Self.civil(days: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let digits = String(y)
        let year = y >= 0 && digits.count < 4 ? String(repeating: "0", count: 4 - digits.count) + digits : digits
        return "\(year)-\(two(m))-\(two(d))T\(two(rest / 3_600)):\(two(rest / 60 % 60)):\(two(rest % 60))"
            + (fraction.isEmpty ? "" : ".\(fraction)") + "Z"
    }

    /// The origin as the `sync` key writes it.
    public var text: String { date(at: 0) }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func days(year: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (the inverse of ``days(year:month:day:)``).
    static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
