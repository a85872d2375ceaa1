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
        var pa = Projector(rules: rulesA)
        var pb = Projector(rules: rulesB)
        for p in [\Projector.recording, \Projector.fingerprinting] {
            pa[keyPath: p] = true
            pb[keyPath: p] = true
        }
        var walkA = InstantWalker(eventsA)
        var walkB = InstantWalker(eventsB)
        while true {
            let candidates = [walkA.nextInstant(pa), walkB.nextInstant(pb)].compactMap { $0 }
            guard let t = candidates.min(), t <= limit else { return nil }
            walkA.play(t, on: &pa)
            walkB.play(t, on: &pb)
            let stepsA = pa.takeSteps()
            let stepsB = pb.takeSteps()
            if pa.fingerprint != pb.fingerprint, !ProjectionDiff.compare(pa, pb).isEmpty {
                return Divergence(at: t, a: stepsA, b: stepsB)
            }
        }
    }
}
