import Testing
@testable import SyncSimCore
import SyncSimTestSupport

@Suite struct DiffTests {
    let base: [Event] = [
        E.create(0, "acme", ["industry": E.s("Retail")]),
        E.contact(0, "alice", "acme"),
        E.contact(0, "bob", "acme"),
        E.edit(360, "alice", ["industry": E.s("Finance")]),
        E.update(420, "acme", ["website": E.s("w")]),
    ]

    func folded(_ events: [Event], _ rules: SyncRules = SyncRules(), at: Seconds) -> Projector {
        var it = events.makeIterator()
        return Simulation.fold(rules: rules, events: &it, through: at)
    }

    func divergence(_ a: [Event], _ b: [Event], _ ra: SyncRules = SyncRules(), _ rb: SyncRules = SyncRules(), through: Seconds) -> Divergence? {
        Divergence.first(a: a.makeIterator(), rules: ra, b: b.makeIterator(), rules: rb, through: through)
    }

    @Test func identicalRunsHaveAnEmptyDiff() {
        let d = ProjectionDiff.compare(folded(base, at: 600), folded(base, at: 600))
        #expect(d.isEmpty)
        #expect(divergence(base, base, through: 10_000) == nil)
    }

    @Test func oneChangedEventGivesExactlyItsDifferences() {
        var b = base
        b[4] = E.update(420, "acme", ["website": E.s("other")])
        let d = ProjectionDiff.compare(folded(base, at: 600), folded(b, at: 600))
        #expect(d.contacts.map(\.contact) == ["alice", "bob"])
        #expect(d.contacts[0].fields == [.init(field: "website", values: .init(a: E.s("w"), b: E.s("other")))])
        #expect(d.contacts[0].activities.isEmpty)
        #expect(d.accounts.map(\.account) == ["acme"])
        #expect(d.accounts[0].marketo.map(\.field) == ["website"])
        #expect(d.accounts[0].dynamics.map(\.field) == ["website"])
        // Dynamics differs from 420 on: that is the first divergence, with event #5 on each side.
        let div = divergence(base, b, through: 600)
        #expect(div?.at == 420)
        guard case .event(let r)? = div?.a.first else { Issue.record("no event step"); return }
        #expect(r.seq == 5)
    }

    @Test func overwriteChoiceDivergesAtTheCycle() {
        var changed = SyncRules()
        changed.overwrite = .changed
        let d = ProjectionDiff.compare(folded(base, at: 600), folded(base, changed, at: 600))
        #expect(d.contacts.count == 2)
        #expect(d.contacts[1].activities.map(\.source) == [.dynamics])
        #expect(d.contacts[1].activities.map(\.counts) == [.init(a: 2, b: 1)])
        let div = divergence(base, base, SyncRules(), changed, through: 600)
        #expect(div?.at == 600)
        guard case .cycle(let c)? = div?.a.first else { Issue.record("no cycle step"); return }
        #expect(c.carried == [5])
    }

    @Test func rejectionsCompareWithoutSequenceNumbers() {
        let a = base + [E.mcreate(500, "x")]
        let b = [E.update(0, "acme", [:])].dropFirst() + base + [E.mcreate(500, "x")]
        #expect(ProjectionDiff.compare(folded(a, at: 600), folded(Array(b), at: 600)).isEmpty)
        let d = ProjectionDiff.compare(folded(a, at: 600), folded(base, at: 600))
        #expect(d.rejectedOnlyA.map(\.seq) == [6])
        #expect(d.rejectedOnlyB.isEmpty)
    }

    /// The in-step search finds the same instant as checking every instant with fresh folds.
    @Test(arguments: Array(UInt64(1)...25))
    func divergenceMatchesBruteForce(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = 120
        let rules = stream.rules()
        let a = stream.generate()
        var rng = SplitMix64(seed: seed &* 977)
        var b = a
        // Change one event's fields, or drop a Marketo edit, somewhere in the stream.
        let i = Int(rng.next() % UInt64(b.count))
        switch b[i].kind {
        case .accountUpdate(let acc, _): b[i].kind = .accountUpdate(account: acc, fields: ["tier": E.s("zzz")])
        case .marketoAccountEdit(let c, _): b[i].kind = .marketoAccountEdit(contact: c, fields: ["city": E.s("zzz")])
        default: b[i].kind = .marketoAccountCreate(account: "mutant", fields: [:])
        }
        let end = (a.last?.at ?? 0) + 2000
        var instants = Set(a.map(\.at))
        for t in stride(from: rules.start, through: end, by: Int64.Stride(rules.period)) { instants.insert(t + rules.duration) }
        let brute = instants.sorted().first { t in
            !ProjectionDiff.compare(folded(a, rules, at: t), folded(b, rules, at: t)).isEmpty
        }
        let found = divergence(a, b, rules, rules, through: end)
        #expect(found?.at == brute, "seed \(seed)")
        // The whole-timeline diff's way, recording only that instant: the same steps.
        if let found {
            let steps = Divergence.steps(at: found.at, a: a.makeIterator(), rules: rules, b: b.makeIterator(), rules: rules)
            #expect(steps.at == found.at && steps.a == found.a && steps.b == found.b, "seed \(seed)")
            #expect(!(steps.a + steps.b).isEmpty, "seed \(seed)")
            #expect(DiffTimeline.of(a: a.makeIterator(), rules: rules, b: b.makeIterator(), rules: rules, through: end).firstAt == brute)
        }
    }
}

/// Whole-timeline diffs (format 5.4) against a brute-force comparison at every instant where
/// either side can change: each event instant and each cycle's landing.
@Suite struct DiffTimelineTests {
    @Test(arguments: Array(UInt64(1)...16))
    func intervalsEqualABruteForceWalk(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = 120
        let events = stream.generate()
        let rulesA = stream.rules()
        var rulesB = rulesA
        rulesB.overwrite = rulesA.overwrite == .all ? .changed : .all
        if seed % 2 == 0 { rulesB.capacity = .records(1) }
        var ia = events.makeIterator(), ib = events.makeIterator()
        let end = max(Simulation.settled(rules: rulesA, events: &ia), Simulation.settled(rules: rulesB, events: &ib))
        let timeline = DiffTimeline.of(a: events.makeIterator(), rules: rulesA, b: events.makeIterator(), rules: rulesB, through: end)
        // Without a limit, the walk ends when the later run has settled.
        let unbounded = DiffTimeline.of(a: events.makeIterator(), rules: rulesA, b: events.makeIterator(), rules: rulesB, through: .max)
        #expect(unbounded.end == end && unbounded.intervals == timeline.intervals, "seed \(seed)")
        // The instants where a projection can change: events, and the landings of cycles.
        var instants = Set(events.map(\.at).filter { $0 <= end })
        for rules in [rulesA, rulesB] {
            var k: Int64 = 0
            while true {
                let landing = rules.cycleEnd(startingAt: rules.start + k * rules.period)
                if landing > end { break }
                instants.insert(landing)
                k += 1
            }
        }
        var expected: [DiffTimeline.Interval] = []
        var open: (from: Seconds, contacts: Set<String>, accounts: Set<String>)?
        for t in instants.sorted() {
            var a = events.makeIterator(), b = events.makeIterator()
            let diff = ProjectionDiff.compare(Simulation.fold(rules: rulesA, events: &a, through: t),
                                              Simulation.fold(rules: rulesB, events: &b, through: t))
            if diff.isEmpty {
                if let o = open { expected.append(.init(from: o.from, to: t, contacts: o.contacts.count, accounts: o.accounts.count)) }
                open = nil
            } else {
                var o = open ?? (t, [], [])
                o.contacts.formUnion(diff.contacts.map(\.contact))
                o.accounts.formUnion(diff.accounts.map(\.account))
                open = o
            }
        }
        if let o = open { expected.append(.init(from: o.from, to: nil, contacts: o.contacts.count, accounts: o.accounts.count)) }
        #expect(timeline.intervals == expected, "seed \(seed)")
        #expect(timeline.firstAt == expected.first?.from, "seed \(seed)")
    }
}

/// The settled comparison's faster paths against plain ones.
@Suite struct ProjectionDiffPathTests {
    /// Compared in two halves on two threads, or in one pass: the same differences.
    @Test(arguments: Array(UInt64(1)...8))
    func halvesOnTwoThreadsEqualOnePass(seed: UInt64) {
        let runs = TwoRuns(seed: seed, bShare: 2.0 / 3)
        let (a, b) = (runs.a, runs.b)
        let whole = ProjectionDiff.compare(a, b, halvesFrom: .max)
        #expect(!whole.contacts.isEmpty && !whole.accounts.isEmpty, "seed \(seed)")
        #expect(ProjectionDiff.compare(a, b, halvesFrom: 1) == whole, "seed \(seed)")
        #expect(ProjectionDiff.compare(a, b, halvesFrom: 3) == whole, "seed \(seed)")
    }

    /// Two lists in field order merged give the fields a plain comparison of the two
    /// dictionaries gives (a field one side lacks is null there; field order is UTF-8's).
    @Test func mergedFieldsEqualAPlainComparison() {
        var rng = SplitMix64(seed: 41)
        let names = ["industry", "Industry", "aa", "a", "é", "z", "ﬁeld", "city"]
        let values: [Value] = [.null, .string("x"), .string("y"), .number(.int(1)), .number(.double(1.0)), .bool(true)]
        for _ in 0..<500 {
            func fields() -> [String: Value] {
                var f: [String: Value] = [:]
                for n in names where rng.next() % 2 == 0 { f[n] = values[Int(rng.next() % UInt64(values.count))] }
                return f
            }
            let (x, y) = (fields(), fields())
            let plain = Set(x.keys).union(y.keys).sorted(by: CanonicalJSON.utf8Less).compactMap { f -> ProjectionDiff.FieldPair? in
                let (u, v) = (x[f] ?? .null, y[f] ?? .null)
                return u == v ? nil : ProjectionDiff.FieldPair(field: f, values: .init(a: u, b: v))
            }
            func inOrder(_ f: [String: Value]) -> [ProjectionDiff.Field] { CanonicalJSON.sorted(f.map { ($0.key, $0.value) }, by: { $0.name }) }
            #expect(ProjectionDiff.fieldPairs(inOrder: inOrder(x), inOrder(y)) == plain)
        }
    }

    /// Two sides' names in order merged give each name of either side once, in order, with its
    /// id on each side (-1 where it is not).
    @Test func mergedNamesCarryBothSidesIDs() {
        var rng = SplitMix64(seed: 43)
        let names = ["a", "a0", "a10", "a9", "b", "c12", "c2", "Z", "_x", "é", "ﬁ"]
        for _ in 0..<500 {
            func side() -> [Projector.Named] {
                let picked = names.filter { _ in rng.next() % 2 == 0 }
                return picked.sorted(by: CanonicalJSON.utf8Less).map { ($0, Int32(rng.next() % 1000)) }
            }
            let (x, y) = (side(), side())
            let (ix, iy) = (Dictionary(uniqueKeysWithValues: x.map { ($0.name, $0.id) }), Dictionary(uniqueKeysWithValues: y.map { ($0.name, $0.id) }))
            let merged = ProjectionDiff.merged(x, y)
            #expect(merged.map(\.name) == Set(ix.keys).union(iy.keys).sorted(by: CanonicalJSON.utf8Less))
            #expect(merged.allSatisfy { $0.a == (ix[$0.name] ?? -1) && $0.b == (iy[$0.name] ?? -1) })
        }
    }
}
