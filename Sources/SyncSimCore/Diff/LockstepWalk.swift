/// Two runs folded in step, instant by instant (the event instants and cycle landings of
/// either side), each projector following its fingerprint and recording its steps (until
/// ``stopRecording()``), and noting what its changes touch when asked to: what the first
/// divergence and the whole-timeline diff both walk.
struct LockstepWalk<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>> {
    private(set) var a: Projector
    private(set) var b: Projector
    private var walkA: InstantWalker<A>
    private var walkB: InstantWalker<B>
    private let limit: Seconds

    init(a events: A, rules rulesA: SyncRules, b eventsB: B, rules rulesB: SyncRules, through limit: Seconds,
         tracksTouches: Bool = false) {
        (a, b) = (Projector(rules: rulesA), Projector(rules: rulesB))
        for p in [\Projector.recording, \Projector.fingerprinting] {
            a[keyPath: p] = true
            b[keyPath: p] = true
        }
        if tracksTouches { (a.touches, b.touches) = (Touches(), Touches()) }
        (walkA, walkB, self.limit) = (InstantWalker(events), InstantWalker(eventsB), limit)
    }

    /// Plays the next instant on both sides, up to the limit; returns it with each side's steps.
    mutating func next() -> (at: Seconds, a: [Step], b: [Step])? {
        let t: Seconds
        switch (walkA.nextInstant(a), walkB.nextInstant(b)) {
        case let (x?, y?): t = min(x, y)
        case let (x?, nil), let (nil, x?): t = x
        case (nil, nil): return nil
        }
        guard t <= limit else { return nil }
        walkA.play(t, on: &a)
        walkB.play(t, on: &b)
        return (t, a.takeSteps(), b.takeSteps())
    }

    /// What each side's changes touched since the last call (with `tracksTouches`).
    mutating func takeTouches() -> (a: Touches.Taken, b: Touches.Taken) {
        (a.takeTouches(), b.takeTouches())
    }

    /// No more steps are recorded (what the walk needs of them has been seen).
    mutating func stopRecording() {
        (a.recording, b.recording) = (false, false)
    }

    /// Whether the projections may differ now (their fingerprints do).
    var fingerprintsDiffer: Bool { a.fingerprint != b.fingerprint }

    /// Both projectors, at the end of the walk.
    consuming func finish() -> (a: Projector, b: Projector) { (a, b) }
}
