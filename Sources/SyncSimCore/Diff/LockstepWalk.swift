/// Two runs folded in step, instant by instant (the event instants and cycle landings of
/// either side), each projector recording its steps and following its fingerprint: what the
/// first divergence and the whole-timeline diff both walk.
struct LockstepWalk<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>> {
    private(set) var a: Projector
    private(set) var b: Projector
    private var walkA: InstantWalker<A>
    private var walkB: InstantWalker<B>
    private let limit: Seconds

    init(a events: A, rules rulesA: SyncRules, b eventsB: B, rules rulesB: SyncRules, through limit: Seconds) {
        (a, b) = (Projector(rules: rulesA), Projector(rules: rulesB))
        for p in [\Projector.recording, \Projector.fingerprinting] {
            a[keyPath: p] = true
            b[keyPath: p] = true
        }
        (walkA, walkB, self.limit) = (InstantWalker(events), InstantWalker(eventsB), limit)
    }

    /// Plays the next instant on both sides, up to the limit; returns it with each side's steps.
    mutating func next() -> (at: Seconds, a: [Step], b: [Step])? {
        let candidates = [walkA.nextInstant(a), walkB.nextInstant(b)].compactMap { $0 }
        guard let t = candidates.min(), t <= limit else { return nil }
        walkA.play(t, on: &a)
        walkB.play(t, on: &b)
        return (t, a.takeSteps(), b.takeSteps())
    }

    /// Whether the projections may differ now (their fingerprints do).
    var fingerprintsDiffer: Bool { a.fingerprint != b.fingerprint }
}
