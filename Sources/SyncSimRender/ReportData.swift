import SyncSimCore

/// The data of an HTML report: one frame per instant at which something happened,
/// each with both sides of every account, the contacts, the rules and what happened.
public enum ReportData {
    /// Most frames a report holds; a longer run is cut there, with a note.
    public static let maximumFrames = 2000
    /// Most account and contact rows over all frames (about 50 MB of page), for the same reason.
    public static let maximumRows = 500_000

    /// Folds `events` through `end` and returns the report's JSON data and its swimlane picture
    /// (the same instants).
    public static func build<I: IteratorProtocol<Event>>(
        title: String, rules: SyncRules, events: I, through end: Seconds,
        expectations: [Expectation]
    ) -> (data: JSON, lanes: Swimlane) {
        var projector = Projector(rules: rules)
        projector.recording = true
        let narrator = Narrator(style: Style(color: false))
        var frames: [JSON] = []
        var lanes = Swimlane(title: title)
        var walker = InstantWalker(events)
        var truncated = false
        var results: [JSON] = []
        let pendingExpectations = expectations.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        var e = 0
        while true {
            let t = walker.nextInstant(projector)
            // Expectations due before this instant are checked on the state they name.
            while e < pendingExpectations.count, t == nil || pendingExpectations[e].element.at < t! || t! > end {
                let x = pendingExpectations[e].element
                projector.advance(to: x.at)
                let checks = projector.evaluate(x)
                results.append(.object([
                    "line": .int(x.position.line), "at": .int(x.at), "what": .string(Narrator.describe(x)),
                    "passed": .bool(checks.allSatisfy(\.passed)),
                    "detail": .string(checks.filter { !$0.passed }.map {
                        "\($0.check.member.0): expected \(CanonicalJSON.string(for: $0.expected)), actual \(CanonicalJSON.string(for: $0.actual))"
                    }.joined(separator: "; ")),
                ]))
                e += 1
            }
            guard let t, t <= end else { break }
            walker.play(t, on: &projector)
            let steps = projector.takeSteps()
            if steps.isEmpty { continue }
            let rowsPerFrame = projector.rowCountEstimate
            if frames.count == maximumFrames || (frames.count + 1) * max(rowsPerFrame, 1) > maximumRows {
                truncated = true
                break
            }
            frames.append(frame(at: t, steps: steps, projector: projector, narrator: narrator))
            lanes.add(steps, at: t, queue: projector.queue.records, rules: projector.rules, narrator: narrator)
        }
        return (.object([
            "title": .string(title),
            "frames": .array(frames),
            "expectations": .array(results),
            "truncated": .bool(truncated),
        ]), lanes)
    }

    static func frame(at t: Seconds, steps: [Step], projector p: Projector, narrator: Narrator) -> JSON {
        var lost: [String: [JSON]] = [:]
        var cycles: [JSON] = []
        for step in steps {
            guard case .cycle(let c) = step else { continue }
            cycles.append(.int(c.index))
            for w in c.accounts {
                for ch in w.changes {
                    guard let edit = ch.lostEdit else { continue }
                    lost[w.account, default: []].append(.object([
                        "field": .string(ch.field), "value": JSON(edit.value), "seq": .int(edit.seq),
                        "contact": .string(edit.contact), "editAt": .int(edit.at), "cycle": .int(c.index),
                    ]))
                }
            }
        }
        var accounts: [JSON] = []
        for a in p.accountIDs {
            let edits = p.localEdits(of: a)
            accounts.append(.object([
                "id": .string(a),
                "dynamics": p.dynamicsFields(of: a).map(JSON.fields) ?? .null,
                "marketo": p.marketoFields(of: a).map(JSON.fields) ?? .null,
                "deleted": .bool(p.deletedInDynamics(a)),
                "stale": .bool(p.isStale(a)),
                "pending": .bool(p.isPending(account: a)),
                "local": .object(edits.mapValues { .object(["seq": .int($0.seq), "contact": .string($0.contact), "at": .int($0.at)]) }),
                "lost": .array(lost[a] ?? []),
            ]))
        }
        var contacts: [JSON] = []
        for c in p.marketoContactIDs {
            let tally = p.activityTally(of: c)
            contacts.append(.object([
                "id": .string(c), "account": p.marketoAccount(of: c).map(JSON.string) ?? .null,
                "dynamics": .int(tally.dynamics), "marketo": .int(tally.marketo),
            ]))
        }
        return .object([
            "at": .int(t), "time": .string(TextFormat.time(t)),
            "lines": .array(narrator.timeline(steps).map(JSON.string)),
            "cycles": .array(cycles),
            "rules": .string(TextFormat.rules(p.rules)),
            "rejected": .int(p.rejections.count),
            "queue": p.queue.json,
            "accounts": .array(accounts), "contacts": .array(contacts),
        ])
    }
}
