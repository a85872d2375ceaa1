import Testing
@testable import SyncSimCore

/// A replay of only the events a question needs (``ReplayScope``, read through the index's
/// pieces) explains a contact and shows a contact and an account exactly as the whole replay.
@Suite struct ReplayScopeTests {
    /// A random stream over many accounts (so that a scope leaves most out), with no capacity.
    static func stream(_ seed: UInt64) -> (SyncRules, [Event]) {
        var s = RandomStream(seed: seed)
        (s.events, s.accounts, s.contacts) = (700, 40, 120)
        var rules = s.rules()
        rules.capacity = .unlimited
        let events = s.generate().map { e -> Event in
            guard case .configure(var change) = e.kind else { return e }
            change.capacity = nil
            return Event(at: e.at, kind: .configure(change), note: e.note)
        }
        return (rules, events)
    }

    /// The index's pieces of `events`, `per` events each.
    static func pieces(_ events: [Event], per: Int) -> [[UInt8]] {
        stride(from: 0, to: events.count, by: per).map { start in
            var b = EventIndex.Builder()
            for i in start..<min(start + per, events.count) { b.add(events[i], seq: i + 1) }
            return b.encode()
        }
    }

    static func scoped(_ events: [Event], rules: SyncRules, contacts: [String], accounts: [String]) throws -> [(seq: Int, event: Event)]? {
        let pieces = Self.pieces(events, per: 37)
        let lastDynamics = events.lastIndex(where: \.isDynamics).map { $0 + 1 }
        return try ReplayScope.seqs(contacts: contacts, accounts: accounts, rules: rules, lastDynamics: lastDynamics,
                                    lookup: { try EventIndex.lookup($0, in: pieces) },
                                    union: { try EventIndex.seqs(under: $0, in: pieces) },
                                    events: { seqs, _ in seqs.map { events[$0 - 1] } })?.map { (seq: $0, event: events[$0 - 1]) }
    }

    @Test(arguments: Array(1...30) as [UInt64])
    func aScopedReplayExplainsAndShowsAsTheWholeOne(seed: UInt64) throws {
        let (rules, events) = Self.stream(seed)
        var rng = SplitMix64(seed: seed &* 31)
        let contactIDs = Array(Set(events.compactMap(\.contact))).sorted()
        let accountIDs = Array(Set(events.compactMap(\.account))).sorted()
        var smaller = 0
        for _ in 0..<4 {
            let c = contactIDs[Int(rng.next() % UInt64(contactIDs.count))]
            let a = accountIDs[Int(rng.next() % UInt64(accountIDs.count))]
            let end = events.last!.at + 2 * rules.period
            let instant = Seconds(rng.next() % UInt64(end + 1))
            let scope = try #require(try Self.scoped(events, rules: rules, contacts: [c], accounts: [a]))
            if scope.count < events.count { smaller += 1 }
            // The scope settles when the whole log does.
            var whole = events.makeIterator()
            var scoped = scope.makeIterator()
            let settledScope = Explainer.run(rules: rules, numbered: &scoped, contact: c, through: nil).1.now
            #expect(max(settledScope, events.last!.at) == Simulation.settled(rules: rules, events: &whole), "seed \(seed), contact \(c)")
            #expect(scope.map(\.seq) == scope.map(\.seq).sorted())
            var all = events.makeIterator()
            let (fullExplainer, fullProjector) = Explainer.run(rules: rules, events: &all, contact: c, through: instant)
            var some = scope.makeIterator()
            let (explainer, projector) = Explainer.run(rules: rules, numbered: &some, contact: c, through: instant)
            let context = "seed \(seed), contact \(c), account \(a), at \(instant), \(scope.count) of \(events.count) events"
            #expect(explainer.history == fullExplainer.history, "\(context)")
            // All but the sync queue, which is the whole log's (a scoped `show` takes it from a checkpoint).
            var shown = projector.projection(contacts: [c], accounts: [a])
            let full = fullProjector.projection(contacts: [c], accounts: [a])
            shown.queue = full.queue
            #expect(shown == full, "\(context)")
            for account in [a] + [fullProjector.marketoAccount(of: c)].compactMap({ $0 }) {
                #expect(explainer.causes[account] == fullExplainer.causes[account], "\(context): causes of \(account)")
            }
            #expect(projector.localEdits(of: a) == fullProjector.localEdits(of: a), "\(context)")
        }
        #expect(smaller > 0, "seed \(seed): a scope smaller than the log")
    }

    @Test func aCapacityReplaysTheWholeLog() throws {
        let (rules, events) = Self.stream(3)
        var capped = rules
        capped.capacity = .records(2)
        #expect(try Self.scoped(events, rules: capped, contacts: ["c1"], accounts: []) == nil)
        let configured = [Event(at: 0, kind: .configure(RuleChange(capacity: .records(5))))] + events
        #expect(try Self.scoped(configured, rules: rules, contacts: ["c1"], accounts: []) == nil)
    }

    /// The pieces decode to what was added, and a piece cut short does not decode.
    @Test func piecesRoundTrip() throws {
        let (_, events) = Self.stream(5)
        let pieces = Self.pieces(events, per: 100)
        let keys = Set(events.flatMap(EventIndex.keys(of:)).filter { $0.kind != .field })
        let found = try EventIndex.lookup(keys, in: pieces).seqs
        for key in keys {
            let expected = events.indices.filter { EventIndex.keys(of: events[$0]).contains(key) }.map { $0 + 1 }
            #expect(found[key] == expected, "\(key)")
        }
        // The joined lookup: every key, and every third key.
        for wanted in [keys, Set(keys.sorted().enumerated().filter { $0.offset % 3 == 0 }.map(\.element))] {
            let joined = Set(wanted.flatMap { found[$0] ?? [] }).sorted()
            #expect(try EventIndex.seqs(under: wanted, in: pieces) == joined)
        }
        let cut = Array(pieces[0].dropLast(3))
        #expect(throws: EventIndex.Malformed.self) { try EventIndex.lookup(keys, in: [cut]) }
        #expect(throws: EventIndex.Malformed.self) { try EventIndex.seqs(under: keys, in: [cut]) }
    }
}
