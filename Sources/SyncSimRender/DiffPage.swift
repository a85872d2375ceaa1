import SyncSimCore

/// A self-contained HTML page comparing two runs: both swimlanes on one time axis with the
/// intervals during which the projections differed shaded, then each interval with the values
/// that differed when it began, and the differences once both have settled. No script: every
/// value is inserted as escaped text.
public enum DiffPage {
    /// The page for a whole-timeline diff (`report.intervals`), the two sides' drawings, and the
    /// diff at the start of each interval listed.
    public static func page(report: DiffReport, pictures: [String], intervals: [(DiffTimeline.Interval, DiffReport)]) -> String {
        let e = HTMLReport.escape
        let title = "\(report.a.source) vs \(report.b.source)"
        var body = "<h1>\(e(title))</h1>\n<p class=\"summary\">\(e(report.summary))</p>\n"
        body += "<p class=\"muted\">A: \(e(report.a.source)) · rules \(e(TextFormat.rules(report.a.rules)))<br>"
            + "B: \(e(report.b.source)) · rules \(e(TextFormat.rules(report.b.rules)))</p>\n"
        body += "<section class=\"lanes\">\n" + pictures.joined(separator: "\n") + "</section>\n"
        let all = report.intervals ?? []
        body += "<section><h2>When the projections differed</h2>\n"
        if all.isEmpty { body += "<p>At no instant.</p>\n" }
        for (interval, diff) in intervals {
            let until = interval.to.map { "to \(TextFormat.time($0))" } ?? "on (still when settled)"
            body += "<div class=\"interval\" data-from=\"\(interval.from)\"><h3>from \(e(TextFormat.time(interval.from))) \(e(until)): "
                + "\(e(TextFormat.plural(interval.contacts, "contact"))), \(e(TextFormat.plural(interval.accounts, "account")))</h3>\n"
            body += table(diff) + "</div>\n"
        }
        if all.count > intervals.count {
            body += "<p class=\"muted\">\(all.count - intervals.count) more intervals are not listed (see syncsim diff).</p>\n"
        }
        body += "</section>\n<section><h2>When both have settled (\(e(TextFormat.time(report.a.at))))</h2>\n"
        body += report.diff.isEmpty ? "<p>No differences.</p>\n" : table(report)
        body += "</section>\n"
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title)) — SyncSim diff</title>
        <style>
          body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 20px 40px; color: #1b1b1b; background: #fafafa; }
          h1 { font-size: 20px; } h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .04em; color: #444; }
          h3 { font-size: 14px; margin: 12px 0 4px; }
          section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 10px 12px; margin-bottom: 16px; }
          section.lanes svg { width: 100%; height: auto; display: block; margin-bottom: 8px; }
          table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 10px; border-bottom: 1px solid #eee; vertical-align: top; }
          td.a { color: #b3261e; } td.b { color: #1b7f3b; } .muted { color: #666; } .summary { font-weight: 600; }
          .interval { border-left: 4px solid #ffd54f; padding-left: 10px; margin-bottom: 10px; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// The differing values of a diff as a table: what, A, B.
    static func table(_ report: DiffReport) -> String {
        let e = HTMLReport.escape
        var rows = ""
        var group = ""
        report.forEachRow { g, label, a, b in
            if g != group {
                rows += "<tr><th colspan=\"3\">\(e(g))</th></tr>\n"
                group = g
            }
            rows += "<tr><td>\(e(label))</td><td class=\"a\">A \(e(a))</td><td class=\"b\">B \(e(b))</td></tr>\n"
        }
        if let q = report.diff.queue {
            rows += "<tr><th colspan=\"3\">sync queue</th></tr>\n<tr><td>pending records</td><td class=\"a\">A \(q.a.records)</td><td class=\"b\">B \(q.b.records)</td></tr>\n"
        }
        for (side, list) in [("A", report.diff.rejectedOnlyA), ("B", report.diff.rejectedOnlyB)] where !list.isEmpty {
            rows += "<tr><th colspan=\"3\">rejected only in \(side)</th></tr>\n"
            for r in list { rows += "<tr><td colspan=\"3\">\(e(TextFormat.rejection(r)))</td></tr>\n" }
        }
        return rows.isEmpty ? "<p class=\"muted\">Only what they had counted differs.</p>\n" : "<table>\n\(rows)</table>\n"
    }
}
