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

    public init(a: DiffSideInfo, b: DiffSideInfo, diff: ProjectionDiff, divergence: Divergence?) {
        self.a = a
        self.b = b
        self.diff = diff
        self.divergence = divergence
    }

    /// The summary line: what differs, or that nothing does.
    public var summary: String {
        if diff.isEmpty { return "no differences" }
        var parts = [TextFormat.plural(diff.contacts.count, "contact"), TextFormat.plural(diff.fieldCount, "field"),
                     TextFormat.plural(diff.activityCount, "activity count", "activity counts"),
                     TextFormat.plural(diff.accounts.count, "account")]
        let rejected = diff.rejectedOnlyA.count + diff.rejectedOnlyB.count
        if rejected > 0 { parts.append(TextFormat.plural(rejected, "rejected event")) }
        return parts.joined(separator: ", ") + " differ"
    }

    /// The rule keys whose values differ between the sides, rendered per side.
    private func ruleDifferences() -> (String, String) {
        let ja = a.rules.asChange.jsonMembers
        let jb = b.rules.asChange.jsonMembers
        let keys = ja.keys.sorted().filter { ja[$0] != jb[$0] }
        func show(_ j: [String: JSON]) -> String {
            keys.map { "\($0) \(CanonicalJSON.string(for: j[$0]!))" }.joined(separator: ", ")
        }
        return keys.isEmpty ? ("", "") : ("  (" + show(ja) + ")", "  (" + show(jb) + ")")
    }

    /// Terminal text.
    public func lines(style: Style) -> [String] {
        let (ra, rb) = ruleDifferences()
        var out = [style.bold("A") + "  \(TextFormat.text(a.source)) at \(TextFormat.time(a.at))" + style.dim(ra),
                   style.bold("B") + "  \(TextFormat.text(b.source)) at \(TextFormat.time(b.at))" + style.dim(rb)]
        var rows: [(group: String, label: String, a: String, b: String)] = []
        func v(_ x: Value) -> String { TextFormat.value(x) }
        for c in diff.contacts {
            let g = "contact \(c.contact)"
            if let p = c.inMarketo { rows.append((g, "in Marketo", "\(p.a)", "\(p.b)")) }
            if let p = c.account { rows.append((g, "account", p.a ?? "(none)", p.b ?? "(none)")) }
            for f in c.fields { rows.append((g, f.field, v(f.values.a), v(f.values.b))) }
            for (source, p) in c.activities { rows.append((g, "activities (\(source.rawValue))", "\(p.a)", "\(p.b)")) }
        }
        for d in diff.accounts {
            let g = "account \(d.account)"
            if let p = d.inMarketo { rows.append((g, "in Marketo", "\(p.a)", "\(p.b)")) }
            if let p = d.inDynamics { rows.append((g, "in Dynamics", "\(p.a)", "\(p.b)")) }
            if let p = d.deletedInDynamics { rows.append((g, "deletedInDynamics", "\(p.a)", "\(p.b)")) }
            for f in d.marketo { rows.append((g, "marketo.\(f.field)", v(f.values.a), v(f.values.b))) }
            for f in d.dynamics { rows.append((g, "dynamics.\(f.field)", v(f.values.a), v(f.values.b))) }
        }
        let labelWidth = rows.map { $0.label.count }.max() ?? 0
        let aWidth = rows.map { $0.a.count }.max() ?? 0
        var group = ""
        for r in rows {
            if r.group != group {
                out.append("")
                out.append(style.bold(r.group))
                group = r.group
            }
            let label = TextFormat.pad(r.label, labelWidth)
            let av = TextFormat.pad(r.a, aWidth)
            out.append("  \(label)  A \(style.red(av))  B \(style.green(r.b))")
        }
        for (side, list) in [("A", diff.rejectedOnlyA), ("B", diff.rejectedOnlyB)] where !list.isEmpty {
            out.append("")
            out.append(style.bold("rejected only in \(side)"))
            for r in list { out.append("  #\(r.seq) at \(TextFormat.time(r.at)) \(r.type): \(TextFormat.text(r.reason))") }
        }
        if let d = divergence {
            out.append("")
            out.append(style.bold("first divergence at \(TextFormat.time(d.at))"))
            let narrator = Narrator(style: style)
            for (side, steps) in [("A", d.a), ("B", d.b)] {
                let lines = narrator.timeline(steps)
                out.append("  \(side):" + (lines.isEmpty ? " nothing happens" : ""))
                out += lines.map { "  " + $0 }
            }
        }
        out.append("")
        out.append(summary)
        return out
    }

    /// The JSON object of `diff --json`.
    public var json: JSON {
        func pair(_ x: JSON, _ y: JSON) -> JSON { .object(["a": x, "b": y]) }
        func fields(_ list: [ProjectionDiff.FieldPair]) -> JSON {
            .object(Dictionary(uniqueKeysWithValues: list.map { ($0.field, pair(JSON($0.values.a), JSON($0.values.b))) }))
        }
        var contacts: [String: JSON] = [:]
        for c in diff.contacts {
            var o: [String: JSON] = [:]
            if let p = c.inMarketo { o["inMarketo"] = pair(.bool(p.a), .bool(p.b)) }
            if let p = c.account { o["account"] = pair(p.a.map(JSON.string) ?? .null, p.b.map(JSON.string) ?? .null) }
            if !c.fields.isEmpty { o["fields"] = fields(c.fields) }
            if !c.activities.isEmpty {
                o["activities"] = .object(Dictionary(uniqueKeysWithValues: c.activities.map { ($0.source.rawValue, pair(.int($0.counts.a), .int($0.counts.b))) }))
            }
            contacts[c.contact] = .object(o)
        }
        var accounts: [String: JSON] = [:]
        for d in diff.accounts {
            var o: [String: JSON] = [:]
            if let p = d.inMarketo { o["inMarketo"] = pair(.bool(p.a), .bool(p.b)) }
            if let p = d.inDynamics { o["inDynamics"] = pair(.bool(p.a), .bool(p.b)) }
            if let p = d.deletedInDynamics { o["deletedInDynamics"] = pair(.bool(p.a), .bool(p.b)) }
            if !d.marketo.isEmpty { o["marketo"] = fields(d.marketo) }
            if !d.dynamics.isEmpty { o["dynamics"] = fields(d.dynamics) }
            accounts[d.account] = .object(o)
        }
        func side(_ s: DiffSideInfo) -> JSON {
            .object(["source": .string(s.source), "at": .int(s.at), "rules": s.rules.json])
        }
        var divergenceJSON = JSON.null
        if let d = divergence {
            let narrator = Narrator(style: Style(color: false))
            divergenceJSON = .object(["at": .int(d.at),
                                      "a": .array(narrator.timeline(d.a).map(JSON.string)),
                                      "b": .array(narrator.timeline(d.b).map(JSON.string))])
        }
        return .object([
            "a": side(a), "b": side(b), "same": .bool(diff.isEmpty),
            "contacts": .object(contacts), "accounts": .object(accounts),
            "rejected": .object(["a": .array(diff.rejectedOnlyA.map(\.json)), "b": .array(diff.rejectedOnlyB.map(\.json))]),
            "summary": .object(["contacts": .int(diff.contacts.count), "fields": .int(diff.fieldCount),
                                "activities": .int(diff.activityCount), "accounts": .int(diff.accounts.count),
                                "rejected": .int(diff.rejectedOnlyA.count + diff.rejectedOnlyB.count)]),
            "divergence": divergenceJSON,
        ])
    }
}
