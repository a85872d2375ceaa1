import SyncSimCore

/// Run statistics as text: `stats`'s aligned figures, `run`'s one-line summary, and `sweep`'s
/// table of variants.
public enum StatsText {
    /// `stats`'s figures, one per line, aligned.
    public static func lines(_ s: RunStatistics, source: String, at: Seconds) -> [String] {
        func byType(_ counts: [String: Int]) -> String {
            let total = counts.values.reduce(0, +)
            let parts = counts.keys.sorted().map { "\($0) \(counts[$0]!)" }
            return "\(total)" + (parts.isEmpty ? "" : "  (" + parts.joined(separator: ", ") + ")")
        }
        let lag = s.lag
        let rows: [(String, String)] = [
            ("events", byType(s.events)),
            ("rejected", byType(s.rejected)),
            ("cycles", "\(s.cycles), \(s.fullCycles) full (left records waiting)"),
            ("carried", "\(s.carried) Dynamics events"),
            ("lag", "median \(TextFormat.time(lag.median)), p95 \(TextFormat.time(lag.p95)), max \(TextFormat.time(lag.max))"),
            ("largest queue", "\(s.largestQueue) records" + (s.largestQueueAt.map { " at \(TextFormat.time($0))" } ?? "")),
            ("local edits", "\(s.editsMade) made, \(s.editsLost) lost to a cycle, \(s.editsShown) still shown"),
            ("activities", "\(s.activities[.dynamics] ?? 0) dynamics, \(s.activities[.marketo] ?? 0) marketo"),
            ("no activity (R9)", "\(s.r9Suppressed) field changes"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return ["\(TextFormat.text(source)) up to \(TextFormat.time(at))"] + rows.map { "  " + TextFormat.pad($0.0, width) + "  " + $0.1 }
    }

    /// `run`'s last line: the run's figures in one sentence.
    public static func summary(_ s: RunStatistics) -> String {
        let events = s.events.values.reduce(0, +)
        let rejected = s.rejected.values.reduce(0, +)
        let lag = s.lag
        var parts = ["\(TextFormat.plural(events, "event")) (\(rejected) rejected)",
                     "\(TextFormat.plural(s.cycles, "cycle")) (\(s.fullCycles) full)",
                     "lag median \(TextFormat.time(lag.median)), max \(TextFormat.time(lag.max))"]
        if s.largestQueueAt != nil { parts.append("largest queue \(s.largestQueue)") }
        parts.append("local edits \(s.editsMade) made, \(s.editsLost) lost, \(s.editsShown) shown")
        parts.append("activities \(s.activities[.dynamics] ?? 0) dynamics, \(s.activities[.marketo] ?? 0) marketo")
        if s.r9Suppressed > 0 { parts.append("\(s.r9Suppressed) changes without activity (R9)") }
        return "summary: " + parts.joined(separator: "; ")
    }

    /// `sweep`'s table: a heading, then one row per variant with its settings, figures and the
    /// start of its digest, numbers aligned right.
    public static func sweep(_ table: SweepTable) -> [String] {
        let keys = table.plan.axes.map(\.key)
        let headings = keys + ["settled", "cycles", "full", "lag p50", "lag p95", "lag max", "max queue",
                               "edits", "lost", "shown", "act. dyn", "act. mkt", "R9", "digest"]
        var cells: [[String]] = [headings]
        for row in table.rows {
            let s = row.statistics
            func n(_ path: String...) -> Int64 {
                path.reduce(Optional(s)) { node, key in node?[key] }?.intValue ?? 0
            }
            func t(_ a: String, _ b: String) -> String { TextFormat.time(n(a, b)) }
            let settings = table.plan.settings(of: row.variant).map { TextFormat.text($0.value) }
            let digest = row.digest.hasPrefix("sha256:") ? String(row.digest.dropFirst(7).prefix(12)) : TextFormat.text(row.digest)
            cells.append(settings + [TextFormat.time(row.settled), "\(n("cycles"))", "\(n("fullCycles"))",
                                     t("lag", "median"), t("lag", "p95"), t("lag", "max"), "\(n("largestQueue", "records"))",
                                     "\(n("edits", "made"))", "\(n("edits", "lost"))", "\(n("edits", "shown"))",
                                     "\(n("activities", "dynamics"))", "\(n("activities", "marketo"))", "\(n("r9Suppressed"))", digest])
        }
        let widths = headings.indices.map { c in cells.map { $0[c].count }.max() ?? 0 }
        let numeric = Set(keys.count..<(headings.count - 1))
        let lines = cells.map { row in
            "  " + row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return numeric.contains(c) ? pad + row[c] : row[c] + pad
            }.joined(separator: "  ")
        }
        var heading = "\(TextFormat.text(table.source)): \(TextFormat.plural(table.plan.count, "variant"))"
        if let shard = table.shard { heading += ", shard \(shard.index)/\(shard.count) (\(TextFormat.plural(table.rows.count, "row")))" }
        return [heading] + lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }
}
