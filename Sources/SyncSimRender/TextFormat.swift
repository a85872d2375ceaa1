import SyncSimCore

/// How values, times and rules read on a terminal. Everything from the input passes
/// through here, so control characters and escape sequences never reach the terminal raw.
public enum TextFormat {
    /// A value as JSON text (`"Retail"`, `12`, `true`), or `(none)` for null.
    public static func value(_ v: Value) -> String {
        v.isNull ? "(none)" : CanonicalJSON.string(for: JSON(v))
    }

    /// Field values as `{industry: "Retail", name: "Acme"}`, sorted by name.
    public static func fields(_ f: [String: Value]) -> String {
        "{" + f.keys.sorted(by: CanonicalJSON.utf8Less).map { "\($0): \(CanonicalJSON.string(for: JSON(f[$0]!)))" }.joined(separator: ", ") + "}"
    }

    /// Free text with control characters escaped.
    public static func text(_ s: String) -> String { ValueDecoding.printable(s) }

    /// A time as `1h30m`.
    public static func time(_ t: Seconds) -> String { SimTime.format(t) }

    /// The rules on one line.
    public static func rules(_ r: SyncRules) -> String {
        let fields: String
        switch r.fields {
        case .all: fields = "all"
        case .list(let names): fields = "[" + names.joined(separator: ", ") + "]"
        }
        let unreadable = r.unreadable.isEmpty ? "none" : "[" + r.unreadable.joined(separator: ", ") + "]"
        var text = "interval \(time(r.interval)), duration \(time(r.duration)), start \(time(r.start)), fields \(fields), unreadable \(unreadable), activityLimit \(r.activityLimit), overwrite \(r.overwrite.rawValue)"
        // Version 2's keys, when they are not their defaults.
        if case .records(let n) = r.capacity { text += ", capacity \(n)" }
        if r.queueOrder != .modified { text += ", queueOrder \(r.queueOrder.rawValue)" }
        if let f = r.filter.fieldName { text += ", filter \(f)" }
        if r.origin != .epoch { text += ", origin \(r.origin.text)" }
        return text
    }

    /// A sentence listing sequence numbers compactly: `#1-#3, #5`.
    public static func seqs(_ s: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(j > i ? "#\(s[i])-#\(s[j])" : "#\(s[i])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    /// A rejected event on one line: `#7 at 5m marketo.account.create: reason`.
    public static func rejection(_ r: Rejection) -> String {
        "#\(r.seq) at \(time(r.at)) \(r.type): \(text(r.reason))"
    }

    /// `s` padded with spaces to `width` characters.
    public static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// `1 contact`, `2 contacts`.
    public static func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? word : plural ?? word + "s")"
    }
}
