import SyncSimCore

/// Writes the narrated timeline of a run: a line for each event, a block for each
/// sync cycle that did something, then each expectation with pass or fail.
public struct Narrator: Sendable {
    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// The title lines of a run.
    public func header(scenario: String, title: String?, rules: SyncRules) -> [String] {
        var out = [style.bold("scenario \(scenario)") + (title.map { ": " + TextFormat.text($0) } ?? "")]
        out.append(style.dim("rules: " + TextFormat.rules(rules)))
        return out
    }

    private func stamp(_ t: Seconds) -> String {
        let s = TextFormat.time(t)
        return String(repeating: " ", count: max(0, 8 - s.count)) + s
    }

    private let indent = String(repeating: " ", count: 10)

    /// Lines for the steps of a timeline.
    public func timeline(_ steps: [Step]) -> [String] {
        var out: [String] = []
        for step in steps {
            switch step {
            case .event(let r): out += event(r)
            case .cycle(let c): out += cycle(c)
            }
        }
        return out
    }

    func event(_ r: EventReport) -> [String] {
        let e = r.event
        var line = "\(stamp(e.at))  #\(r.seq) \(e.typeName)"
        var details: [String] = []
        switch e.kind {
        case .accountCreate(let a, let f), .accountUpdate(let a, let f):
            line += " \(a) \(TextFormat.fields(f.dictionary))"
        case .accountDelete(let a):
            line += " \(a)"
        case .contactCreate(let c, let a, _):
            line += " \(c)" + (a.map { " in \($0)" } ?? " (no account)")
        case .contactMove(let c, let a):
            line += " \(c) to \(a)"
        case .marketoAccountEdit(let c, let f):
            line += " on \(c) \(TextFormat.fields(f.dictionary))"
        case .marketoAccountCreate(let a, _):
            line += " \(a)"
        case .configure(let change):
            let members = change.jsonMembers
            line += " " + members.keys.sorted().map { "\($0): \(CanonicalJSON.string(for: members[$0]!))" }.joined(separator: ", ")
        }
        switch r.outcome {
        case .queued(let next, let capacity):
            line += style.dim("  (queued: the next cycle, at \(TextFormat.time(next)), carries up to \(TextFormat.plural(Int(capacity), "record")))")
        case .pending(let start):
            line += style.dim("  (Marketo gets it with the cycle at \(TextFormat.time(start)))")
        case .rejected(let reason):
            line += "  " + style.red("rejected: \(TextFormat.text(reason))")
        case .configured(let rules):
            details.append(indent + style.dim("rules now: " + TextFormat.rules(rules)))
        case .edited(let changes, let account):
            if changes.isEmpty {
                details.append(indent + style.dim("company \(account): nothing changes (same values)"))
            }
            for ch in changes {
                details += change(ch, prefix: "\(account).")
            }
            details.append(indent + style.dim("Dynamics never sees this edit (R2); the next Dynamics update of \(account) can overwrite it (R4)"))
        }
        if let note = e.note { details.insert(indent + style.cyan("note: " + TextFormat.text(note)), at: 0) }
        return [line] + details
    }

    func change(_ ch: FieldChange, prefix: String) -> [String] {
        var s = "\(prefix)\(ch.field): \(TextFormat.value(ch.old)) -> \(style.bold(TextFormat.value(ch.new)))"
        if ch.contacts == 0 {
            s += style.dim("  (no contacts, no activities)")
        } else if ch.activitiesLogged {
            s += style.dim("  shown on \(TextFormat.plural(ch.contacts, "contact")), \(TextFormat.plural(ch.contacts, "activity", "activities"))")
        } else {
            s += style.yellow("  shown on \(TextFormat.plural(ch.contacts, "contact")), no activities: more contacts than the activity limit (R9)")
        }
        var out = [indent + s]
        if let lost = ch.lostEdit {
            out.append(indent + "  " + style.magenta("local edit lost: #\(lost.seq) at \(TextFormat.time(lost.at)) on \(lost.contact) set \(TextFormat.value(lost.value))"))
        }
        return out
    }

    func cycle(_ c: CycleReport) -> [String] {
        var out = ["\(stamp(c.end))  " + style.blue("sync cycle \(c.index)") + (c.end > c.start ? " (started \(TextFormat.time(c.start)))" : "") + " carried \(TextFormat.seqs(c.carried))"]
        if let q = c.queue {
            let oldest = q.oldestLeft.map { ", the oldest since \(TextFormat.time($0))" } ?? ""
            out.append(indent + style.yellow("full: carried \(q.carried) of \(q.waiting) pending records; \(q.left) wait\(oldest) (R10)"))
        }
        if !c.changedSomething {
            out.append(indent + style.dim("nothing changed in Marketo"))
        }
        for w in c.accounts {
            switch w.status {
            case .filteredOut:
                out.append(indent + "\(w.account): filtered out by the sync filter (R11); it does not reach Marketo")
                continue
            case .stale:
                out.append(indent + style.yellow("\(w.account): filtered out by the sync filter (R11); nothing written, the company goes stale, its values and local edits stay"))
                continue
            case .writtenWholeAgain:
                out.append(indent + "\(w.account): syncs again after being stale (R11); written whole")
            case .markedDeleted:
                out.append(indent + "\(w.account): deleted in Dynamics; Marketo keeps the company, marks it deletedInDynamics and updates it no more")
                continue
            case .neverReached:
                out.append(indent + "\(w.account): created and deleted before this cycle; it never reaches Marketo")
                continue
            case .created:
                out.append(indent + "\(w.account): new company in Marketo")
            case .updated:
                if w.changes.isEmpty && w.matchedEdits.isEmpty {
                    out.append(indent + style.dim("\(w.account): no synced value changed"))
                }
            }
            for ch in w.changes {
                out += change(ch, prefix: "\(w.account).")
            }
            for c in w.joined {
                out.append(indent + "\(c), linked to \(w.account) before it reached Marketo, now shows its values" + style.dim(" (no activities for inherited values)"))
            }
            for (field, edit) in w.matchedEdits {
                out.append(indent + style.dim("\(w.account).\(field): the local edit #\(edit.seq) on \(edit.contact) now matches Dynamics"))
            }
        }
        for l in c.links {
            let verb = l.created ? "appears in Marketo" : "moves"
            let target: String
            if let to = l.to {
                target = (l.created ? "linked to \(to)" : "from \(l.from ?? "no account") to \(to)")
                    + (l.toCompany ? "" : ", which has no company in Marketo yet")
            } else {
                target = "with no account"
            }
            out.append(indent + "\(l.contact) \(verb), \(target)" + style.dim(" (#\(l.seq), no activities for inherited values)"))
        }
        return out
    }

    /// A compact table of the contacts a cycle affected: those of the accounts it changed
    /// and those it linked, with what they show of the changed fields and their activities.
    public func affectedContacts(_ c: CycleReport, projector p: Projector, limit: Int = 8) -> [String] {
        var rows: [[String]] = []
        var more = 0
        var seen = Set<String>()
        for w in c.accounts where !w.changes.isEmpty {
            let fields = w.changes.map(\.field)
            let members = p.members(of: w.account)
            for m in members.prefix(limit) where seen.insert(m).inserted {
                let shown = p.shownFields(of: m)
                let t = p.activityTally(of: m)
                rows.append([m, w.account, fields.map { "\($0)=\(TextFormat.value(shown[$0] ?? .null))" }.joined(separator: " "),
                             "\(t.dynamics)/\(t.marketo)"])
            }
            more += max(0, members.count - limit)
        }
        for l in c.links where seen.insert(l.contact).inserted {
            let t = p.activityTally(of: l.contact)
            rows.append([l.contact, l.to ?? "(none)", "linked (inherits \(l.to ?? "nothing"))", "\(t.dynamics)/\(t.marketo)"])
        }
        guard !rows.isEmpty else { return [] }
        let header = ["contact", "account", "shows", "activities dyn/mkt"]
        let widths = (0..<4).map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max()! }
        func line(_ r: [String]) -> String {
            indent + (0..<3).map { TextFormat.pad(r[$0], widths[$0]) }.joined(separator: "  ") + "  " + r[3]
        }
        var out = [style.dim(line(header))]
        out += rows.map(line)
        if more > 0 { out.append(indent + style.dim("... and \(more) more contacts")) }
        return out
    }

    /// An expectation in words: `bob fields {industry: "Retail"}`.
    public static func describe(_ e: Expectation) -> String {
        var subject: String
        switch e.subject {
        case .contact(let c): subject = "contact \(c)"
        case .account(let a): subject = "account \(a)"
        case .log: subject = "log"
        }
        for check in e.checks {
            let (key, value) = check.member
            switch check {
            case .fields(let f), .dynamics(let f), .marketo(let f):
                subject += " \(key) " + TextFormat.fields(f)
            default:
                subject += " \(key) \(CanonicalJSON.string(for: value))"
            }
        }
        return subject
    }

    /// One line per expectation entry (all of its checks), then the closing count line.
    public func expectations(_ results: [CheckResult], file: String) -> (lines: [String], passed: Int, failed: Int) {
        var out: [String] = []
        var passed = 0
        var failed = 0
        let groups = CheckResult.grouped(results)
        if !groups.isEmpty { out.append(style.bold("expectations")) }
        for (e, checks) in groups {
            let ok = checks.allSatisfy(\.passed)
            if ok { passed += 1 } else { failed += 1 }
            let mark = ok ? style.green("PASS") : style.red("FAIL")
            out.append("  \(mark)  \(file):\(e.position.line)  at \(TextFormat.time(e.at))  \(Self.describe(e))")
            for c in checks where !c.passed {
                out.append("        \(c.check.member.0): expected \(CanonicalJSON.string(for: c.expected)), actual \(CanonicalJSON.string(for: c.actual))")
            }
        }
        return (out, passed, failed)
    }
}
