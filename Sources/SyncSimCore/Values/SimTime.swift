/// An instant or a span of simulated time, in whole seconds.
///
/// The simulator never reads a clock: every instant comes from the input.
public typealias Seconds = Int64

/// Parsing and formatting of the format's time values (`90s`, `1h30m`, `2d`).
public enum SimTime {
    /// The largest time the format accepts (10^12 seconds).
    public static let maximum: Seconds = 1_000_000_000_000

    /// Parses a duration string made of `Nd`, `Nh`, `Nm`, `Ns` parts in that order.
    /// Returns nil when the text is not such a string or exceeds ``maximum``.
    public static func parse(_ text: String) -> Seconds? {
        let units: [(Character, Seconds)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total: Seconds = 0
        var nextUnit = 0
        var digits: Seconds? = nil
        var sawPart = false
        for ch in text {
            if let d = ch.wholeNumberValue, ch.isASCII {
                let (m, o1) = (digits ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Seconds(d))
                guard !o1, !o2, s <= maximum else { return nil }
                digits = s
                continue
            }
            guard let n = digits,
                  let idx = units[nextUnit...].firstIndex(where: { $0.0 == ch }) else { return nil }
            let (p, o1) = n.multipliedReportingOverflow(by: units[idx].1)
            let (t, o2) = total.addingReportingOverflow(p)
            guard !o1, !o2, t <= maximum else { return nil }
            total = t
            nextUnit = idx + 1
            digits = nil
            sawPart = true
        }
        guard sawPart, digits == nil else { return nil }
        return total
    }

    /// Formats seconds the way scenario files write them: `0s`, `90s` as `1m30s`, `2d3h`.
    public static func format(_ seconds: Seconds) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", Seconds(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
