/// Replays a scenario's events through a projector and checks its expectations.
public struct Simulation: Sendable {
    /// The outcome of a run.
    public struct Outcome: Sendable {
        /// Every applied event and landed cycle, in timeline order.
        public var steps: [Step]
        /// Check results in the order of the `expect:` entries.
        public var results: [CheckResult]
        /// The projector at the end of the run (its ``Projector/projection(contacts:accounts:)``,
        /// or a ``ProjectionWriter`` of it for a large one).
        public var final: Projector
        /// The rejected events.
        public var rejections: [Rejection]
    }

    /// Runs `events` with `rules` up to the last event, the last expectation, and the cycle that carries the last events.
    /// With `recording` and `steps`, the timeline is handed to `steps` as it is made (the outcome
    /// keeps none of it): a narration of a long stream is printed as it goes, never held whole.
    public static func run(rules: SyncRules, events: [Event], expectations: [Expectation] = [],
                           recording: Bool = true, steps: (([Step]) -> Void)? = nil) -> Outcome {
        var iterator = events.makeIterator()
        return run(rules: rules, events: &iterator, expectations: expectations, recording: recording, steps: steps) { _, _, _ in }
    }

    /// ``run(rules:events:expectations:recording:steps:)`` of the events an iterator gives, each
    /// handed to `applied` once applied, with its sequence number and the reason the rules
    /// rejected it (nil: accepted), so that a caller records a stream as it runs it without
    /// holding it. An error `applied` throws ends the run.
    public static func run<I: IteratorProtocol<Event>, E: Error>(
        rules: SyncRules, events: inout I, expectations: [Expectation] = [], recording: Bool = true,
        steps: (([Step]) -> Void)? = nil, applied: (_ event: Event, _ seq: Int, _ rejected: String?) throws(E) -> Void
    ) throws(E) -> Outcome {
        // Activity records are kept when an expectation may count the activities of one field.
        var projector = Projector(rules: rules, keepingActivityRecords: !expectations.isEmpty)
        projector.recording = recording
        var results: [(Int, [CheckResult])] = []
        let order = expectations.indices.sorted { (expectations[$0].at, $0) < (expectations[$1].at, $1) }
        var next = 0
        func check(upTo limit: Seconds?) {
            while next < order.count, limit.map({ expectations[order[next]].at < $0 }) ?? true {
                let e = expectations[order[next]]
                projector.advance(to: e.at)
                results.append((order[next], projector.evaluate(e)))
                next += 1
            }
        }
        /// Hands on the steps made so far, when they are streamed.
        func pass() {
            guard recording, let steps else { return }
            let made = projector.takeSteps()
            if !made.isEmpty { steps(made) }
        }
        var seq = 0
        var lastAt: Seconds = 0
        while let event = events.next() {
            check(upTo: event.at)
            seq += 1
            lastAt = event.at
            let rejected = projector.rejection(applying: event, seq: seq)
            try applied(event, seq, rejected)
            pass()
        }
        check(upTo: nil)
        // Run on until the last events have landed (a backlog drained), so the narration shows
        // their effect.
        let last = max(lastAt, expectations.map(\.at).max() ?? 0)
        projector.advance(to: last)
        projector.settle()
        pass()
        let flat = results.sorted { $0.0 < $1.0 }.flatMap(\.1)
        return Outcome(steps: projector.takeSteps(), results: flat, final: projector, rejections: projector.rejections)
    }

    /// Folds events up to and including `instant` (all of them if nil), keeping counts
    /// but not activity records, and returns the projector at that instant (or at the last event).
    @inlinable
    public static func fold<I: IteratorProtocol<Event>>(rules: SyncRules, events: inout I, through instant: Seconds?) -> Projector {
        fold(from: Projector(rules: rules), events: &events, through: instant)
    }

    /// Continues folding from `projector` (a checkpoint, for instance) with the events that follow it.
    /// Consuming: a caller that hands over its only copy spares a copy of the whole state.
    /// Inlinable, so a caller's iterator is specialized: through the generic witness, every event
    /// was copied and destroyed by its type metadata (a seventh of a replay's instructions).
    @inlinable
    public static func fold<I: IteratorProtocol<Event>>(from start: consuming Projector, events: inout I, through instant: Seconds?) -> Projector {
        var projector = start
        var seq = projector.lastSeq
        // The next events are held a few ahead, so that what they read is on its way while the
        // ones before them apply (see ``Projector/Prefetcher``).
        var prefetcher = Projector.Prefetcher()
        // A ring of the events ahead, the oldest at `first`. Each event is lent to the
        // prefetcher while it is a local constant, and moved in and out of the ring: lent from
        // an optional in the ring (as it was), each event was copied and the copy destroyed.
        var ahead: [Event] = []
        for _ in 0..<Projector.Prefetcher.distance {
            guard let e = events.next() else { break }
            prefetcher.enter(e, projector)
            ahead.append(e)
        }
        var first = 0
        while !ahead.isEmpty {
            var event: Event
            if let e = events.next() {
                prefetcher.enter(e, projector)
                event = consume e
                swap(&event, &ahead[first])
                first = (first + 1) % ahead.count
            } else {
                // The stream has ended: the ring empties in order.
                prefetcher.pass(projector)
                event = ahead.remove(at: first)
                if first == ahead.count { first = 0 }
            }
            if let instant, event.at > instant { break }
            seq += 1
            projector.apply(event, seq: seq)
        }
        if let instant { projector.advance(to: instant) }
        return projector
    }

    /// When a run of `events` has settled: the later of its last event's instant and the landing
    /// of the cycle that carries its last Dynamics events (format 5.4; with a capacity, the cycle
    /// that empties the queue).
    public static func settled<I: IteratorProtocol<Event>>(rules: SyncRules, events: inout I) -> Seconds {
        var projector = fold(rules: rules, events: &events, through: nil)
        return projector.settle()
    }

    /// The projection at `instant` of a log's events: everything at or before it applied.
    public static func projection(rules: SyncRules, events: [Event], at instant: Seconds) -> Projection {
        var iterator = events.makeIterator()
        return fold(rules: rules, events: &iterator, through: instant).projection()
    }
}
