import Testing
@testable import SyncSimCore

/// The streamed activity export (format 5.6) against the reference's plain list, and the
/// `origin` that dates it.
@Suite struct ActivityStreamTests {
    /// The stream's batches, flattened into activities.
    static func streamed(_ events: [Event], rules: SyncRules, through end: Seconds?) -> [Activity] {
        var out: [Activity] = []
        ActivityStream.forEach(rules: rules, events: events.makeIterator(), through: end) { batch in
            for (contact, c) in batch.activities {
                let ch = batch.changes[c]
                out.append(Activity(contact: contact, field: ch.field, old: ch.old, new: ch.new, at: batch.at,
                                    source: ch.source, cause: batch.cause))
            }
        }
        return out
    }

    /// On random streams, at random instants and settled: the same activities in the same
    /// order as the reference's list sorted as the format says.
    @Test(arguments: (1...30).map { UInt64($0) * 7_919 })
    func theStreamEqualsTheReferenceList(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.activityHeavy()
        let events = stream.generate()
        var rng = SplitMix64(seed: seed)
        let last = events.last?.at ?? 0
        for end in [nil, Seconds(rng.next() % UInt64(last + 1)), last] as [Seconds?] {
            let reference = ReferenceActivities.list(rules: stream.rules(), events: events.makeIterator(), through: end)
            let fast = Self.streamed(events, rules: stream.rules(), through: end)
            #expect(fast == reference, "seed \(seed), through \(end.map(String.init) ?? "settled"): \(fast.count) vs \(reference.count)")
        }
    }

    /// Each contact's activities by source are the counts the projection shows.
    @Test(arguments: (1...10).map { UInt64($0) * 104_729 })
    func countsPerContactAreTheProjections(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.activityHeavy()
        let events = stream.generate()
        let list = Self.streamed(events, rules: stream.rules(), through: nil)
        var p = Projector(rules: stream.rules())
        for (i, e) in events.enumerated() { p.apply(e, seq: i + 1) }
        _ = p.settle()
        #expect(!list.isEmpty)
        for c in p.marketoContactIDs {
            let mine = list.filter { $0.contact.utf8.elementsEqual(c.utf8) }
            let tally = p.activityTally(of: c)
            #expect(mine.count(where: { $0.source == .dynamics }) == tally.dynamics, "seed \(seed), \(c)")
            #expect(mine.count(where: { $0.source == .marketo }) == tally.marketo, "seed \(seed), \(c)")
        }
    }

    /// The order within an instant: the landing cycle's activities, then each edit's; within
    /// each, by contact then field (bytes: "B" before "a"), whatever the order of the writes.
    @Test func orderWithinAnInstant() {
        let events = [
            E.create(0, "acme", ["z": E.s("1"), "B": E.s("1")]), E.create(0, "beta", ["a": E.s("1")]),
            E.contact(0, "bob", "acme"), E.contact(0, "Zed", "beta"), E.contact(0, "al", "acme"),
            E.update(400, "beta", ["a": E.s("2")]), E.update(400, "acme", ["z": E.s("2"), "B": E.s("2")]),
            E.edit(600, "bob", ["z": E.s("3")]), E.edit(600, "Zed", ["a": E.s("3")]),
        ]
        let list = Self.streamed(events, rules: SyncRules(), through: nil)
        let at600 = list.filter { $0.at == 600 }.map { "\($0.cause.reason) \($0.contact) \($0.field)" }
        #expect(at600 == [
            "sync cycle 2 Zed a", "sync cycle 2 al B", "sync cycle 2 al z", "sync cycle 2 bob B", "sync cycle 2 bob z",
            "Marketo edit #8 al z", "Marketo edit #8 bob z", "Marketo edit #9 Zed a",
        ])
        #expect(list == ReferenceActivities.list(rules: SyncRules(), events: events.makeIterator(), through: nil))
    }

    @Test func originsParseAndDateActivities() throws {
        let o = try #require(Origin(parsing: "2024-02-28T23:59:30Z"))
        #expect(o.date(at: 30) == "2024-02-29T00:00:00Z")
        #expect(o.date(at: 86_430) == "2024-03-01T00:00:00Z")
        #expect(Origin(parsing: "2023-12-31T23:00:00+00:00")!.date(at: 3_600) == "2024-01-01T00:00:00Z")
        #expect(Origin(parsing: "1969-12-31T23:59:59Z")!.seconds == -1)
        #expect(Origin(parsing: "2000-01-01T00:00:00.1250Z")!.date(at: 5) == "2000-01-01T00:00:05.125Z")
        #expect(Origin.epoch.date(at: 90) == "1970-01-01T00:01:30Z")
        #expect(Origin(parsing: "0001-01-01T00:00:00Z")!.text == "0001-01-01T00:00:00Z")
        for bad in ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
                    "2024-01-01 00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00+01:00", "2024-01-01T00:00:00.Z",
                    "2024-1-01T00:00:00Z", "", "2024-01-01T00:00:00Zjunk"] {
            #expect(Origin(parsing: bad) == nil, "\(bad)")
        }
        // Every day of 400 years (a whole Gregorian cycle) goes there and back.
        for day in stride(from: Int64(-146_097), to: 146_097, by: 1) {
            let (y, m, d) = Origin.civil(days: day)
            #expect(Origin.days(year: y, month: m, day: d) == day)
            if day % 997 == 0 { #expect(d <= Origin.daysIn(month: m, year: y)) }
        }
    }
}

extension RandomStream {
    /// Streams with fewer accounts, so companies have several contacts and edits log activities.
    mutating func activityHeavy() {
        accounts = 3
        contacts = 12
        events = 160
    }
}
