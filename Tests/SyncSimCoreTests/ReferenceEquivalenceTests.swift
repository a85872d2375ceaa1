import Testing
import Foundation
import Synchronization
@testable import SyncSimCore

/// The engine (``Projector``) in each of its modes against the plain ``ReferenceProjector``, on
/// seeded random streams: the same projection and digest, the same activities per contact,
/// source and field, the same rejections and reasons, and the same local edits, at every event
/// and at random instants between them; and, fingerprinting, the fingerprint it follows equals
/// the one worked out afresh from its state.
@Suite struct ReferenceEquivalenceTests {
    static let seeds: [UInt64] = Array(1...40)

    /// The engine's modes: each forks rule code inside the engine, so each is held to the reference.
    enum Mode: String, CaseIterable {
        case plain, recording, activityRecords, fingerprinting
    }

    static func engine(_ mode: Mode, rules: SyncRules) -> Projector {
        var p = Projector(rules: rules, keepingActivityRecords: mode == .activityRecords)
        p.recording = mode == .recording
        p.fingerprinting = mode == .fingerprinting
        return p
    }

    /// The first difference between the engine and the reference, nil if none.
    static func difference(_ engine: Projector, _ reference: ReferenceProjector, compareActivities: Bool) -> String? {
        let (e, r) = (engine.projection(), reference.projection())
        if e != r {
            for c in Set(e.contacts.keys).union(r.contacts.keys).sorted() where e.contacts[c] != r.contacts[c] {
                return "contact \(c): engine \(String(describing: e.contacts[c])), reference \(String(describing: r.contacts[c]))"
            }
            for a in Set(e.accounts.keys).union(r.accounts.keys).sorted() where e.accounts[a] != r.accounts[a] {
                return "account \(a): engine \(String(describing: e.accounts[a])), reference \(String(describing: r.accounts[a]))"
            }
            return "projections differ: engine at \(e.at) rejected \(e.rejected), reference at \(r.at) rejected \(r.rejected)"
        }
        if e.digest != r.digest { return "digests differ" }
        for a in e.accounts.keys.sorted() where engine.localEdits(of: a) != reference.localEdits(of: a) {
            return "local edits of \(a): engine \(engine.localEdits(of: a)), reference \(reference.localEdits(of: a))"
        }
        if compareActivities {
            for c in e.contacts.keys.sorted() where engine.activities(of: c) != reference.activities(of: c) {
                return "activities of \(c): engine \(engine.activities(of: c)), reference \(reference.activities(of: c))"
            }
        }
        return nil
    }

    @Test(arguments: seeds)
    func everyModeEqualsTheReference(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let rules = stream.rules()
        let events = stream.generate()
        var rng = SplitMix64(seed: seed &* 977)
        for mode in Mode.allCases {
            var engine = Self.engine(mode, rules: rules)
            var reference = ReferenceProjector(rules: rules)
            for (i, e) in events.enumerated() {
                // Sometimes an instant between events first, where cycles land on their own.
                if rng.next() % 4 == 0, e.at > engine.now {
                    let between = engine.now + Seconds(rng.next() % UInt64(e.at - engine.now + 1))
                    engine.advance(to: between)
                    reference.advance(to: between)
                }
                let reason = engine.rejection(applying: e, seq: i + 1)
                reference.apply(e, seq: i + 1)
                if mode == .recording { _ = engine.takeSteps() }
                #expect(reason == (reference.rejections.last?.seq == i + 1 ? reference.rejections.last?.reason : nil),
                        "seed \(seed), \(mode): rejection of #\(i + 1)")
                if let d = Self.difference(engine, reference, compareActivities: mode == .activityRecords) {
                    Issue.record("seed \(seed), \(mode), after #\(i + 1) \(e.typeName): \(d)")
                    return
                }
                // The fingerprint followed change by change equals the one worked out afresh.
                if mode == .fingerprinting, engine.fingerprint != engine.recomputedFingerprint() {
                    Issue.record("seed \(seed), after #\(i + 1) \(e.typeName): the followed fingerprint is not the recomputed one")
                    return
                }
            }
            let end = engine.now + 3600
            engine.advance(to: end)
            reference.advance(to: end)
            if let d = Self.difference(engine, reference, compareActivities: mode == .activityRecords) {
                Issue.record("seed \(seed), \(mode), settled: \(d)")
            }
        }
    }

    /// Per-field activity counts: the engine's records grouped by field and source equal the
    /// reference's, for every contact.
    @Test(arguments: seeds.prefix(20))
    func perFieldActivityCountsEqualTheReference(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        var engine = Projector(rules: stream.rules(), keepingActivityRecords: true)
        var reference = ReferenceProjector(rules: stream.rules())
        for (i, e) in stream.generate().enumerated() {
            engine.apply(e, seq: i + 1)
            reference.apply(e, seq: i + 1)
        }
        engine.advance(to: engine.now + 3600)
        reference.advance(to: reference.now + 3600)
        func counts(_ list: [Activity]) -> [String: Int] {
            Dictionary(grouping: list) { "\($0.field)/\($0.source.rawValue)" }.mapValues(\.count)
        }
        for c in engine.projection().contacts.keys.sorted() {
            #expect(counts(engine.activities(of: c)) == counts(reference.activities(of: c)), "seed \(seed), contact \(c)")
        }
    }

    /// A checkpoint taken at a random event and restored (whole, or as a patch of an earlier one)
    /// goes on as the reference does; so does the streaming fold.
    @Test(arguments: seeds.prefix(20))
    func restoredCheckpointsAndTheFoldEqualTheReference(seed: UInt64) throws {
        let stream = RandomStream(seed: seed)
        let rules = stream.rules()
        let events = stream.generate()
        var rng = SplitMix64(seed: seed &* 131)
        let first = Int(rng.next() % UInt64(events.count))
        let second = first + Int(rng.next() % UInt64(events.count - first))
        var engine = Projector(rules: rules)
        var reference = ReferenceProjector(rules: rules)
        let cache = Projector.SnapshotCache()
        var base: [UInt8] = []
        var restored: Projector?
        for (i, e) in events.enumerated() {
            if i == first { base = engine.checkpoint(reusing: cache) }
            if i == second {
                let stored = engine.checkpoint(reusing: cache)
                let bytes = Projector.patchBase(stored) == nil ? stored : try #require(Projector.applyPatch(stored, to: base))
                restored = Projector(snapshot: bytes)
                #expect(restored != nil, "seed \(seed): checkpoint at #\(i)")
            }
            engine.apply(e, seq: i + 1)
            restored?.apply(e, seq: i + 1)
            reference.apply(e, seq: i + 1)
        }
        let end = reference.now + 3600
        reference.advance(to: end)
        var restoredEngine = try #require(restored)
        restoredEngine.advance(to: end)
        #expect(Self.difference(restoredEngine, reference, compareActivities: false) == nil, "seed \(seed): restored at #\(second)")
        var iterator = events.makeIterator()
        let folded = Simulation.fold(rules: rules, events: &iterator, through: end)
        #expect(Self.difference(folded, reference, compareActivities: false) == nil, "seed \(seed): fold")
    }
}

/// The shadow switch: a projector carrying the reference stops at the first event after which
/// the two differ, naming it.
@Suite struct ShadowReferenceTests {
    /// Runs `events` through a projector with a shadow comparing every `interval` events, after
    /// `corrupt` has changed the engine behind the shadow's back once `seq` is applied;
    /// returns the message the shadow stopped with (nil: none).
    static func stopMessage(_ events: [Event], interval: Int, corruptAfter seq: Int,
                            _ corrupt: @escaping @Sendable (inout Projector) -> Void) -> String? {
        // The stop cannot return; the test runs it on a thread of its own and reads what it said.
        let said = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            var p = Projector(rules: SyncRules())
            p.shadow = ShadowSlot(ShadowReference(reference: ReferenceProjector(rules: SyncRules()), interval: interval) { message in
                said.withLock { $0 = message }
                done.signal()
                while true { sleep(1000) }
            })
            for (i, e) in events.enumerated() {
                p.apply(e, seq: i + 1)
                if i + 1 == seq { corrupt(&p) }
            }
            p.checkShadow()
        }
        thread.start()
        done.wait()
        return said.withLock { $0 }
    }

    static let events: [Event] = [
        E.create(0, "acme", ["industry": E.s("Retail")]), E.contact(0, "alice", "acme"),
        E.edit(400, "alice", ["industry": E.s("Finance")]), E.update(420, "acme", ["website": E.s("a.example")]),
        E.edit(700, "alice", ["industry": E.s("Energy")]),
    ]

    /// Applies a Marketo edit to the engine alone.
    static func editBehindTheShadow(_ p: inout Projector) {
        let shadow = p.shadow
        p.shadow = ShadowSlot()
        p.apply(E.edit(400, "alice", ["industry": E.s("Mining")]), seq: 99)
        p.shadow = shadow
    }

    @Test func agreeingProjectorsNeverStop() {
        #expect(Self.stopMessage(Self.events, interval: 1, corruptAfter: 0) { _ in } == nil)
    }

    @Test func theFirstEventAfterADifferenceIsNamed() throws {
        // A Marketo edit the reference never sees, after event 3.
        let message = try #require(Self.stopMessage(Self.events, interval: 1, corruptAfter: 3) { p in Self.editBehindTheShadow(&p) })
        #expect(message.contains("after event #4 (dynamics.account.update at 420s)"), "\(message)")
        #expect(message.contains("contact alice"), "\(message)")
    }

    @Test func withAnIntervalTheEventsSinceTheLastAgreementAreNamed() throws {
        let message = try #require(Self.stopMessage(Self.events, interval: 2, corruptAfter: 3) { p in Self.editBehindTheShadow(&p) })
        #expect(message.contains("#4") && message.contains("they agreed after #2"), "\(message)")
    }
}

/// The random streams the equivalence tests run exercise version 2: full cycles, both queue
/// orders, stale companies written whole again, filtered accounts that never reach Marketo, and
/// contacts linked to an account before its company exists. (Without them, the equivalence
/// tests would say nothing of those rules.)
@Suite struct RandomStreamCoverageTests {
    @Test func version2IsExercised() {
        var full = 0, stale = 0, wholeAgain = 0, filteredOut = 0, companyless = 0, orders = Set<QueueOrder>()
        for seed in ReferenceEquivalenceTests.seeds {
            let stream = RandomStream(seed: seed)
            var p = Projector(rules: stream.rules())
            p.recording = true
            orders.insert(stream.rules().queueOrder)
            for (i, e) in stream.generate().enumerated() {
                p.apply(e, seq: i + 1)
                for case .cycle(let c) in p.takeSteps() {
                    if c.queue != nil { full += 1 }
                    stale += c.accounts.filter { $0.status == .stale }.count
                    wholeAgain += c.accounts.filter { $0.status == .writtenWholeAgain }.count
                    filteredOut += c.accounts.filter { $0.status == .filteredOut }.count
                    companyless += c.links.filter { $0.to != nil && !$0.toCompany }.count
                }
            }
        }
        #expect(full > 20 && stale > 20 && wholeAgain > 5 && filteredOut > 5 && companyless > 5,
                "full \(full), stale \(stale), written whole again \(wholeAgain), filtered out \(filteredOut), companyless links \(companyless)")
        #expect(orders == [.modified, .first])
    }
}

/// Version 2 with none of its keys in force is version 1 (format 5.1).
@Suite struct Version2KeysTests {
    /// A capacity no cycle reaches gives the projection of no capacity, at random instants of
    /// random streams (both queue orders).
    @Test(arguments: ReferenceEquivalenceTests.seeds.prefix(20))
    func aCapacityNeverReachedIsUnlimited(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.version2 = false
        var unlimited = stream.rules()
        unlimited.capacity = .unlimited
        var huge = unlimited
        huge.capacity = .records(Capacity.maximum)
        huge.queueOrder = seed % 2 == 0 ? .first : .modified
        let events = stream.generate()
        var rng = SplitMix64(seed: seed &* 13)
        let last = events.last?.at ?? 0
        for t in (0..<6).map({ _ in Seconds(rng.next() % UInt64(last + 900)) }) {
            let a = Simulation.projection(rules: unlimited, events: events, at: t)
            let b = Simulation.projection(rules: huge, events: events, at: t)
            #expect(a == b && a.digest == b.digest, "seed \(seed) at \(t)")
        }
    }

    /// The queue's size and oldest change equal a recount from the events at random instants:
    /// the Dynamics events after the start of the last cycle that began by then are pending
    /// (with no capacity every cycle carries all that came before its start).
    @Test(arguments: ReferenceEquivalenceTests.seeds.prefix(20))
    func theQueueIsWhatNoCycleHasCarriedYet(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.version2 = false
        let rules = stream.rules()
        let events = stream.generate()
        var rng = SplitMix64(seed: seed &* 17)
        let last = events.last?.at ?? 0
        for t in (0..<6).map({ _ in Seconds(rng.next() % UInt64(last + 900)) }) {
            var p = Projector(rules: rules)
            for (i, e) in events.enumerated() where e.at <= t { p.apply(e, seq: i + 1) }
            p.advance(to: t)
            // The last cycle that started by t started at the latest start at or before t that
            // followed a Dynamics event; with unlimited capacity it took every earlier event.
            let dynamics = events.filter { $0.isDynamics && $0.at <= t }
            let started = dynamics.map { rules.cycleStart(after: $0.at) }.filter { $0 <= t }.max()
            let waiting = dynamics.filter { e in started.map { e.at >= $0 } ?? true }
            let records = Set(waiting.map { e -> String in
                if case .contactCreate(let c, _, _) = e.kind { return "c:" + c }
                if case .contactMove(let c, _) = e.kind { return "c:" + c }
                return "a:" + e.account!
            })
            #expect(p.queue == QueueState(records: records.count, oldest: waiting.map(\.at).min()), "seed \(seed) at \(t)")
        }
    }
}
