/// The first instant at which two projections differ, with what happened then on each side.
public struct Divergence: Sendable {
    public var at: Seconds
    /// The events and cycles of that instant on side A and side B.
    public var a: [Step]
    public var b: [Step]

    /// Folds both event streams in step, instant by instant (event instants and cycle
    /// landings of either side), and returns the first instant, up to `limit`, after which
    /// the projections differ. Each instant costs a constant-time fingerprint comparison;
    /// the full comparison runs only when the fingerprints differ.
    public static func first<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>(
        a eventsA: A, rules rulesA: SyncRules,
        b eventsB: B, rules rulesB: SyncRules,
        through limit: Seconds
    ) -> Divergence? {
        var walk = LockstepWalk(a: eventsA, rules: rulesA, b: eventsB, rules: rulesB, through: limit)
        while let (t, stepsA, stepsB) = walk.next() {
            if walk.fingerprintsDiffer, !ProjectionDiff.compare(walk.a, walk.b).isEmpty {
                return Divergence(at: t, a: stepsA, b: stepsB)
            }
        }
        return nil
    }

    /// What happened on each side at `t`: both runs folded in step to it, recording only that
    /// instant (the whole-timeline diff finds its first divergence without recording every
    /// instant before, then asks for it this way).
    public static func steps<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>(
        at t: Seconds,
        a eventsA: A, rules rulesA: SyncRules,
        b eventsB: B, rules rulesB: SyncRules
    ) -> Divergence {
        var walk = LockstepWalk(a: eventsA, rules: rulesA, b: eventsB, rules: rulesB, through: t, recording: false)
        while let next = walk.nextInstant, next < t { _ = walk.next() }
        walk.record(true)
        guard let (at, a, b) = walk.next(), at == t else { return Divergence(at: t, a: [], b: []) }
        return Divergence(at: t, a: a, b: b)
    }
}
