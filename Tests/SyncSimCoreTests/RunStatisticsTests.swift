import Testing
@testable import SyncSimCore

/// `stats` figures against recounts from the events and the projection, on random streams.
@Suite struct RunStatisticsTests {
    @Test(arguments: ReferenceEquivalenceTests.seeds.prefix(20))
    func figuresEqualRecounts(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let rules = stream.rules()
        let events = stream.generate()
        var settle = events.makeIterator()
        let settled = Simulation.settled(rules: rules, events: &settle)
        let stats = RunStatistics.of(rules: rules, events: events.makeIterator(), through: settled)
        let projection = Simulation.projection(rules: rules, events: events, at: settled)
        // Every event counted by type; rejections as the projection lists them.
        #expect(stats.events.values.reduce(0, +) == events.count, "seed \(seed)")
        #expect(stats.rejected.values.reduce(0, +) == projection.rejected.count, "seed \(seed)")
        // Settled: every Dynamics event carried, each lag at least 0 and at most the span.
        #expect(stats.carried == events.filter(\.isDynamics).count, "seed \(seed)")
        #expect(stats.lags.count == stats.carried && stats.lags.allSatisfy { $0 >= 0 && $0 <= settled }, "seed \(seed)")
        // Edits made: the edits the rules did not reject; shown ones are among them.
        let edits = events.filter { if case .marketoAccountEdit = $0.kind { return true }; return false }.count
        #expect(stats.editsMade == edits - (stats.rejected["marketo.account.edit"] ?? 0), "seed \(seed)")
        #expect(stats.editsLost + stats.editsShown <= stats.editsMade, "seed \(seed)")
        // Activities: the projection's counts summed over its contacts.
        for source in ActivitySource.allCases {
            let sum = projection.contacts.values.reduce(0) { $0 + ($1.activitiesBySource[source] ?? 0) }
            #expect(stats.activities[source] == sum, "seed \(seed), \(source)")
        }
        // The largest queue is at least the queue at any instant, and reached at its instant.
        var rng = SplitMix64(seed: seed &* 19)
        for t in (0..<8).map({ _ in Seconds(rng.next() % UInt64(settled + 1)) }) {
            #expect(Simulation.projection(rules: rules, events: events, at: t).queue.records <= stats.largestQueue, "seed \(seed) at \(t)")
        }
        if let at = stats.largestQueueAt {
            #expect(Simulation.projection(rules: rules, events: events, at: at).queue.records == stats.largestQueue, "seed \(seed)")
        }
        // The percentiles follow their definitions.
        let sorted = stats.lags.sorted()
        if !sorted.isEmpty {
            #expect(stats.lag.median == sorted[(sorted.count - 1) / 2])
            #expect(stats.lag.p95 == sorted[Int((Double(sorted.count) * 0.95).rounded(.up)) - 1])
            #expect(stats.lag.max == sorted.last!)
        }
    }
}

/// Lost edits and R9's silent changes recounted from the projections alone: around every cycle
/// landing and every Marketo edit, what each company showed, its local edits and its members.
@Suite struct RunStatisticsRecountTests {
    /// Per account with a company: its values, its local edits and how many contacts it has.
    static func companies(_ p: Projector) -> [String: (fields: [String: Value], edits: [String: LocalEdit], members: Int)] {
        var members: [String: Int] = [:]
        for c in p.marketoContactIDs { if let a = p.marketoAccount(of: c) { members[a, default: 0] += 1 } }
        var out: [String: (fields: [String: Value], edits: [String: LocalEdit], members: Int)] = [:]
        for a in p.accountIDs { if let f = p.marketoFields(of: a) { out[a] = (f, p.localEdits(of: a), members[a] ?? 0) } }
        return out
    }

    @Test(arguments: ReferenceEquivalenceTests.seeds.prefix(25))
    func lostEditsAndSilentChangesEqualARecount(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.configure = false  // one activity limit for the whole run
        let rules = stream.rules()
        let events = stream.generate()
        var settle = events.makeIterator()
        let settled = Simulation.settled(rules: rules, events: &settle)
        let stats = RunStatistics.of(rules: rules, events: events.makeIterator(), through: settled)
        var p = Projector(rules: rules)
        var lost = Set<Int>()
        var silent = 0
        /// What changed between two states: values a cycle or an edit changed on a company with
        /// more members than the limit (R9), and local edits a cycle replaced with another value.
        func compare(_ before: [String: (fields: [String: Value], edits: [String: LocalEdit], members: Int)],
                     _ after: [String: (fields: [String: Value], edits: [String: LocalEdit], members: Int)]) {
            for (a, now) in after {
                let was = before[a]
                let names = Set(now.fields.keys).union(was?.fields.keys ?? [:].keys)
                let members = was?.members ?? 0
                silent += names.filter { (was?.fields[$0] ?? .null) != (now.fields[$0] ?? .null) && members > rules.activityLimit }.count
                for (field, edit) in was?.edits ?? [:] where now.edits[field]?.seq != edit.seq && (now.fields[field] ?? .null) != edit.value {
                    lost.insert(edit.seq)
                }
            }
        }
        var next = 0
        var seq = 0
        while true {
            let instants = [next < events.count ? events[next].at : nil, p.nextCycleLanding].compactMap { $0 }
            guard let t = instants.min(), t <= settled else { break }
            let beforeCycles = Self.companies(p)
            p.advance(to: t)
            compare(beforeCycles, Self.companies(p))
            while next < events.count, events[next].at == t {
                seq += 1
                let before = Self.companies(p)
                p.apply(events[next], seq: seq)
                if case .marketoAccountEdit = events[next].kind {
                    // An edit loses nothing: only its silent changes count.
                    let after = Self.companies(p)
                    for (a, now) in after where (before[a]?.members ?? 0) > rules.activityLimit {
                        silent += Set(now.fields.keys).union(before[a]?.fields.keys ?? [:].keys)
                            .filter { (before[a]?.fields[$0] ?? .null) != (now.fields[$0] ?? .null) }.count
                    }
                }
                next += 1
            }
        }
        #expect(stats.editsLost == lost.count, "seed \(seed)")
        #expect(stats.r9Suppressed == silent, "seed \(seed)")
        #expect(stats.editsMade >= stats.editsLost)
    }
}

extension RunStatisticsRecountTests {
    /// Without a capacity or rule changes, each Dynamics event waits for the first cycle that
    /// starts after it (R1): its lag is that cycle's landing minus its instant. The lags stats
    /// gathers from the cycles' reports are those, event for event.
    @Test(arguments: ReferenceEquivalenceTests.seeds.prefix(25))
    func lagsEqualTheCycleTiming(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.configure = false
        var rules = stream.rules()
        rules.capacity = .unlimited
        let events = stream.generate()
        var settle = events.makeIterator()
        let settled = Simulation.settled(rules: rules, events: &settle)
        let stats = RunStatistics.of(rules: rules, events: events.makeIterator(), through: settled)
        let expected = events.filter(\.isDynamics).map { rules.cycleEnd(startingAt: rules.cycleStart(after: $0.at)) - $0.at }
        #expect(stats.lags.sorted() == expected.sorted(), "seed \(seed)")
        let sorted = expected.sorted()
        if !sorted.isEmpty {
            #expect(stats.lag.median == sorted[(sorted.count - 1) / 2])
            #expect(stats.lag.p95 == sorted[Int((Double(sorted.count) * 0.95).rounded(.up)) - 1])
        }
    }
}
