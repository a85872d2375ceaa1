/// When two runs differed over their whole timelines (format 5.4): each interval `[from, to)`
/// during which their projections differed, with how many contacts and accounts differed at
/// some instant of it (`to` is nil if they still differ at the end), and the first divergence.
public struct DiffTimeline: Sendable {
    /// An interval during which the projections differed.
    public struct Interval: Sendable, Equatable {
        public var from: Seconds
        public var to: Seconds?
        public var contacts: Int
        public var accounts: Int

        public init(from: Seconds, to: Seconds?, contacts: Int, accounts: Int) {
            (self.from, self.to, self.contacts, self.accounts) = (from, to, contacts, accounts)
        }

        /// The interval as `diff --json` writes it.
        public var json: JSON {
            .object(["from": .int(from), "to": to.map(JSON.int) ?? .null, "contacts": .int(contacts), "accounts": .int(accounts)])
        }
    }

    public var intervals: [Interval] = []
    /// The first instant after which the projections differed, with what happened then.
    public var first: Divergence?

    /// Folds both event streams in step, instant by instant (event instants and cycle landings
    /// of either side) through `limit`, comparing the projections after each instant: a
    /// constant-time fingerprint comparison, the full one only when the fingerprints differ.
    public static func of<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>(
        a eventsA: A, rules rulesA: SyncRules,
        b eventsB: B, rules rulesB: SyncRules,
        through limit: Seconds
    ) -> DiffTimeline {
        var pa = Projector(rules: rulesA)
        var pb = Projector(rules: rulesB)
        for p in [\Projector.recording, \Projector.fingerprinting] {
            pa[keyPath: p] = true
            pb[keyPath: p] = true
        }
        var walkA = InstantWalker(eventsA)
        var walkB = InstantWalker(eventsB)
        var timeline = DiffTimeline()
        // The interval under way: its start and the contacts and accounts that differed in it.
        var open: (from: Seconds, contacts: Set<String>, accounts: Set<String>)?
        while true {
            let candidates = [walkA.nextInstant(pa), walkB.nextInstant(pb)].compactMap { $0 }
            guard let t = candidates.min(), t <= limit else { break }
            walkA.play(t, on: &pa)
            walkB.play(t, on: &pb)
            let stepsA = pa.takeSteps()
            let stepsB = pb.takeSteps()
            let diff = pa.fingerprint == pb.fingerprint ? ProjectionDiff() : ProjectionDiff.compare(pa, pb)
            if diff.isEmpty {
                if let o = open {
                    timeline.intervals.append(Interval(from: o.from, to: t, contacts: o.contacts.count, accounts: o.accounts.count))
                    open = nil
                }
                continue
            }
            if timeline.first == nil { timeline.first = Divergence(at: t, a: stepsA, b: stepsB) }
            var o = open ?? (t, [], [])
            o.contacts.formUnion(diff.contacts.map(\.contact))
            o.accounts.formUnion(diff.accounts.map(\.account))
            open = o
        }
        if let o = open {
            timeline.intervals.append(Interval(from: o.from, to: nil, contacts: o.contacts.count, accounts: o.accounts.count))
        }
        return timeline
    }
}
