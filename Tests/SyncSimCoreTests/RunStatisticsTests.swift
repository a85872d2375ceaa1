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
