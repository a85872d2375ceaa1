import SyncSimCore

/// One side of a diff, as the report names it.
public struct DiffSideInfo: Sendable {
    public var source: String
    public var at: Seconds
    public var rules: SyncRules

    public init(source: String, at: Seconds, rules: SyncRules) {
        self.source = source
        self.at = at
        self.rules = rules
    }
}

/// Renders a ``ProjectionDiff`` as aligned terminal text or as JSON.
public struct DiffReport: Sendable {
    public var a: DiffSideInfo
    public var b: DiffSideInfo
    public var diff: ProjectionDiff
    public var divergence: Divergence?
    /// The intervals during which the runs differed, when their whole timelines were compared.
    public var intervals: [DiffTimeline.Interval]?

    /// Whether the runs differ: at the instants compared, or during an interval.
    public var differs: Bool { !diff.isEmpty || !(intervals ?? []).isEmpty }

    public init(a: DiffSideInfo, b: DiffSideInfo, diff: ProjectionDiff, divergence: Divergence?) {
        self.a = a
        self.b = b
        self.diff = diff
        self.divergence = divergence
    }

    /// The summary line: what differs, or that nothing does.
    public var summary: String {
        let during = (intervals ?? []).isEmpty ? ""
            : "; the projections differed during " + TextFormat.plural(intervals!.count, "interval")
        if diff.isEmpty { return (intervals ?? []).isEmpty ? "no differences" : "no differences when settled" + during }
        var parts = [TextFormat.plural(diff.contacts.count, "contact"), TextFormat.plural(diff.fieldCount, "field"),
                     TextFormat.plural(diff.activityCount, "activity count", "activity counts"),
                     TextFormat.plural(diff.accounts.count, "account")]
        let rejected = diff.rejectedOnlyA.count + diff.rejectedOnlyB.count
        if rejected > 0 { parts.append(TextFormat.plural(rejected, "rejected event")) }
        if diff.queue != nil { parts.append("the sync queues") }
        return parts.joined(separator: ", ") + " differ" + during
    }

    /// The rule keys whose values differ between the sides, rendered per side.
    public func ruleDifferences() -> (String, String) {
        let ja = a.rules.everyMember
        let jb = b.rules.everyMember
        let keys = ja.keys.sorted().filter { ja[$0] != jb[$0] }
        func show(_ j: [String: JSON]) -> String {
            keys.map { "\($0) \(CanonicalJSON.string(for: j[$0]!))" }.joined(separator: ", ")
        }
        return keys.isEmpty ? ("", "") : ("  (" + show(ja) + ")", "  (" + show(jb) + ")")
    }

    /// Terminal text.
    public func lines(style: Style) -> [String] {
        var out: [String] = []
        write(style: style) { out.append($0) }
        return out
    }

    /// Terminal text, line by line to `out` as each is made.
    public func write(style: Style, to out: (String) -> Void) {
        write(style: style, bytes: { chunk in
            var rest = chunk[...]
            while let end = rest.firstIndex(of: 0x0A) {
                out(String(decoding: rest[..<end], as: UTF8.self))
                rest = rest[(end + 1)...]
            }
        })
    }

    /// Terminal text as UTF-8, whole lines in pieces of about 64 KiB to `out`: a diff of two
    /// large logs can have millions of rows, which are enumerated twice (first for the
    /// columns' widths) rather than kept, and written as bytes rather than strings.
    public func write(style: Style, bytes out: ([UInt8]) -> Void) {
        var text = TextBytes()
        func newline() {
            text.newline()
            if text.bytes.count >= 1 << 16 { text.pass(to: out) }
        }
        func line(_ s: String) {
            text.append(s)
            newline()
        }
        let (ra, rb) = ruleDifferences()
        line(style.bold("A") + "  \(TextFormat.text(a.source)) at \(TextFormat.time(a.at))" + style.dim(ra))
        line(style.bold("B") + "  \(TextFormat.text(b.source)) at \(TextFormat.time(b.at))" + style.dim(rb))
        let widths = columnWidths()
        // The rows in pieces of a few hundred groups, two pieces at once on two threads, each
        // written whole once both are made: every piece starts with its own group.
        let (groups, piece) = (groupCount, 256)
        var start = 0
        while start < groups {
            let ranges = [start..<min(start + piece, groups), min(start + piece, groups)..<min(start + 2 * piece, groups)]
            let pieces = ranges[1].isEmpty ? [rows(ranges[0], widths: widths, style: style)]
                : parallelMap(2) { rows(ranges[$0], widths: widths, style: style) }
            text.pass(to: out)
            pieces.forEach(out)
            start += 2 * piece
        }
        if let q = diff.queue {
            func show(_ s: QueueState) -> String {
                TextFormat.plural(s.records, "pending record") + (s.oldest.map { ", the oldest since \(TextFormat.time($0))" } ?? "")
            }
            newline()
            line(style.bold("sync queue") + "  A \(style.red(show(q.a)))  B \(style.green(show(q.b)))")
        }
        for (side, list) in [("A", diff.rejectedOnlyA), ("B", diff.rejectedOnlyB)] where !list.isEmpty {
            newline()
            line(style.bold("rejected only in \(side)"))
            for r in list { line("  " + TextFormat.rejection(r)) }
        }
        if let list = intervals, !list.isEmpty {
            newline()
            line(style.bold("the projections differed"))
            for i in list {
                let until = i.to.map { "to \(TextFormat.time($0))" } ?? "on (still when settled)"
                line("  from \(TextFormat.time(i.from)) \(until): \(TextFormat.plural(i.contacts, "contact")), \(TextFormat.plural(i.accounts, "account"))")
            }
        }
        if let d = divergence {
            newline()
            line(style.bold("first divergence at \(TextFormat.time(d.at))"))
            let narrator = Narrator(style: style)
            for (side, steps) in [("A", d.a), ("B", d.b)] {
                let lines = narrator.timeline(steps)
                line("  \(side):" + (lines.isEmpty ? " nothing happens" : ""))
                lines.forEach { line("  " + $0) }
            }
        }
        newline()
        line(summary)
        text.pass(to: out)
    }

    /// The text's rows, in order: the group (a contact or an account), what differs, its values on A and B.
    public func forEachRow(_ row: (_ group: String, _ label: String, _ a: String, _ b: String) -> Void) {
        var (last, name) = (-1, "")
        forEachCell(in: 0..<groupCount) { g, label, a, b in
            if g != last { (last, name) = (g, group(g)) }
            row(name, label, a.text, b.text)
        }
    }

    /// The groups of rows: each contact that differs, then each account.
    private var groupCount: Int { diff.contacts.count + diff.accounts.count }

    /// The name of group `g`, as its heading shows it.
    private func group(_ g: Int) -> String {
        g < diff.contacts.count ? "contact \(diff.contacts[g].contact)" : "account \(diff.accounts[g - diff.contacts.count].account)"
    }

    /// The label of a source's activity count: a literal, as a label made per row is an allocation.
    private static func activitiesLabel(_ source: ActivitySource) -> String {
        switch source {
        case .dynamics: return "activities (dynamics)"
        case .marketo: return "activities (marketo)"
        }
    }

    /// The rows of the groups `range`, in order, with their values as ``Cell``s, formatted only
    /// where they are written.
    func forEachCell(in range: Range<Int>, _ row: (_ group: Int, _ label: String, _ a: Cell, _ b: Cell) -> Void) {
        for g in range {
            guard g >= diff.contacts.count else {
                let c = diff.contacts[g]
                if let p = c.inMarketo { row(g, "in Marketo", .text("\(p.a)"), .text("\(p.b)")) }
                if let p = c.account { row(g, "account", .text(p.a ?? "(none)"), .text(p.b ?? "(none)")) }
                for f in c.fields { row(g, f.field, .value(f.values.a), .value(f.values.b)) }
                for source in ActivitySource.allCases {
                    if let p = c[source] { row(g, Self.activitiesLabel(source), .int(p.a), .int(p.b)) }
                }
                continue
            }
            let d = diff.accounts[g - diff.contacts.count]
            if let p = d.inMarketo { row(g, "in Marketo", .text("\(p.a)"), .text("\(p.b)")) }
            if let p = d.inDynamics { row(g, "in Dynamics", .text("\(p.a)"), .text("\(p.b)")) }
            if let p = d.deletedInDynamics { row(g, "deletedInDynamics", .text("\(p.a)"), .text("\(p.b)")) }
            if let p = d.stale { row(g, "stale", .text("\(p.a)"), .text("\(p.b)")) }
            for f in d.marketo { row(g, "marketo." + f.field, .value(f.values.a), .value(f.values.b)) }
            for f in d.dynamics { row(g, "dynamics." + f.field, .value(f.values.a), .value(f.values.b)) }
        }
    }

    /// The widths of the label and A columns over every row (two halves on two threads when
    /// there are many rows).
    private func columnWidths() -> (label: Int, a: Int) {
        let n = groupCount
        let halves = n < 4096 ? [0..<n] : [0..<(n / 2), (n / 2)..<n]
        return parallelMap(halves.count) { i in
            var (label, a) = (0, 0)
            var scratch = TextBytes()
            forEachCell(in: halves[i]) { _, l, x, _ in
                label = max(label, TextBytes.width(l))
                a = max(a, scratch.measure(x))
            }
            return (label, a)
        }.reduce((0, 0)) { (max($0.0, $1.0), max($0.1, $1.1)) }
    }

    /// The text of the groups `range`: each group's heading after an empty line, then its rows.
    private func rows(_ range: Range<Int>, widths: (label: Int, a: Int), style: Style) -> [UInt8] {
        var text = TextBytes()
        var last = -1
        forEachCell(in: range) { g, label, a, b in
            if g != last {
                text.newline()
                text.append(style.bold(group(g)))
                text.newline()
                last = g
            }
            text.append("  ")
            text.append(label)
            text.spaces(widths.label - TextBytes.width(label))
            text.append("  A ")
            if style.color { text.append("\u{1B}[31m") }
            text.spaces(widths.a - text.cell(a))
            if style.color { text.append("\u{1B}[0m") }
            text.append("  B ")
            if style.color { text.append("\u{1B}[32m") }
            _ = text.cell(b)
            if style.color { text.append("\u{1B}[0m") }
            text.newline()
        }
        return text.bytes
    }

    /// The JSON object of `diff --json`, written member by member to `out` in pieces of about
    /// 64 KiB, never built whole (its keys: a, accounts, b, contacts, divergence, rejected, same, summary).
    public func writeJSON(to out: ([UInt8]) -> Void) {
        var w = JSONWriter(capacity: 1 << 17)
        func pass(_ w: inout JSONWriter) {
            out(w.bytes)
            w.bytes.removeAll(keepingCapacity: true)
        }
        func side(_ s: DiffSideInfo) -> JSON {
            .object(["source": .string(s.source), "at": .int(s.at), "rules": s.rules.json])
        }
        w.byte(UInt8(ascii: "{"))
        w.key("a")
        w.write(side(a))
        w.raw(",\"accounts\":")
        w.members(diff.accounts, key: \.account, value: Self.json, pass: pass)
        w.raw(",\"b\":")
        w.write(side(b))
        w.raw(",\"contacts\":")
        w.members(diff.contacts, key: \.contact, value: Self.json, pass: pass)
        var divergenceJSON = JSON.null
        if let d = divergence {
            let narrator = Narrator(style: Style(color: false))
            divergenceJSON = .object(["at": .int(d.at),
                                      "a": .array(narrator.timeline(d.a).map(JSON.string)),
                                      "b": .array(narrator.timeline(d.b).map(JSON.string))])
        }
        w.raw(",\"divergence\":")
        w.write(divergenceJSON)
        if let list = intervals {
            w.raw(",\"intervals\":")
            w.write(.array(list.map(\.json)))
        }
        if let q = diff.queue {
            w.raw(",\"queue\":")
            w.write(Self.pair(q.a.json, q.b.json))
        }
        w.raw(",\"rejected\":")
        w.write(.object(["a": .array(diff.rejectedOnlyA.map(\.json)), "b": .array(diff.rejectedOnlyB.map(\.json))]))
        w.raw(",\"same\":")
        w.write(.bool(!differs))
        w.raw(",\"summary\":")
        w.write(.object(["contacts": .int(diff.contacts.count), "fields": .int(diff.fieldCount),
                         "activities": .int(diff.activityCount), "accounts": .int(diff.accounts.count),
                         "rejected": .int(diff.rejectedOnlyA.count + diff.rejectedOnlyB.count)]))
        w.byte(UInt8(ascii: "}"))
        out(w.bytes)
    }

    private static func pair(_ x: JSON, _ y: JSON) -> JSON { .object(["a": x, "b": y]) }

    private static func json(_ list: [ProjectionDiff.FieldPair]) -> JSON {
        .object(Dictionary(uniqueKeysWithValues: list.map { ($0.field, pair(JSON($0.values.a), JSON($0.values.b))) }))
    }

    /// A contact's member of `contacts`.
    private static func json(_ c: ProjectionDiff.ContactDiff) -> JSON {
        var o: [String: JSON] = [:]
        if let p = c.inMarketo { o["inMarketo"] = pair(.bool(p.a), .bool(p.b)) }
        if let p = c.account { o["account"] = pair(p.a.map(JSON.string) ?? .null, p.b.map(JSON.string) ?? .null) }
        if !c.fields.isEmpty { o["fields"] = json(c.fields) }
        if !c.activities.isEmpty {
            o["activities"] = .object(Dictionary(uniqueKeysWithValues: c.activities.map { ($0.source.rawValue, pair(.int($0.counts.a), .int($0.counts.b))) }))
        }
        return .object(o)
    }

    /// An account's member of `accounts`.
    private static func json(_ d: ProjectionDiff.AccountDiff) -> JSON {
        var o: [String: JSON] = [:]
        if let p = d.inMarketo { o["inMarketo"] = pair(.bool(p.a), .bool(p.b)) }
        if let p = d.inDynamics { o["inDynamics"] = pair(.bool(p.a), .bool(p.b)) }
        if let p = d.deletedInDynamics { o["deletedInDynamics"] = pair(.bool(p.a), .bool(p.b)) }
        if let p = d.stale { o["stale"] = pair(.bool(p.a), .bool(p.b)) }
        if !d.marketo.isEmpty { o["marketo"] = json(d.marketo) }
        if !d.dynamics.isEmpty { o["dynamics"] = json(d.dynamics) }
        return .object(o)
    }
}
