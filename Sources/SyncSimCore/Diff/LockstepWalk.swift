/// Two runs folded in step, instant by instant (the event instants and cycle landings of
/// either side), each projector following its fingerprint, recording its steps while asked
/// to, and noting what its changes touch when asked to: what the first divergence and the
/// whole-timeline diff both walk.
///
/// Side B plays each instant on a thread of its own while side A plays it on the caller's:
/// two long runs fold in about the time of one on two cores. The comparisons after each
/// instant run on the caller's thread while B's waits. A side that waits for the other reads
/// and decodes its next events meanwhile. The walk is not copied (its projectors are lent to
/// the comparisons in place, never copied per instant); B's thread ends with it.
struct LockstepWalk<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>: ~Copyable {
    private(set) var a: Projector
    /// B's projector, handed to B's thread while it plays an instant.
    private(set) var b: Projector
    private var walkA: InstantWalker<A>
    private let sideB: SideThread<B>
    private let limit: Seconds

    init(a events: A, rules rulesA: SyncRules, b eventsB: B, rules rulesB: SyncRules, through limit: Seconds,
         recording: Bool = true, tracksTouches: Bool = false) {
        var (a, b) = (Projector(rules: rulesA), Projector(rules: rulesB))
        (a.fingerprinting, b.fingerprinting) = (true, true)
        (a.recording, b.recording) = (recording, recording)
        if tracksTouches { (a.touches, b.touches) = (Touches(), Touches()) }
        self.a = a
        walkA = InstantWalker(events)
        sideB = SideThread(b, eventsB)
        self.b = b
        self.limit = limit
    }

    deinit { sideB.stop() }

    /// The next instant of either side, if any (the limit aside).
    var nextInstant: Seconds? {
        switch (walkA.nextInstant(a), sideB.nextInstant) {
        case let (x?, y?): return min(x, y)
        case let (x?, nil), let (nil, x?): return x
        case (nil, nil): return nil
        }
    }

    /// Plays the next instant on both sides, up to the limit; returns it with each side's steps.
    mutating func next() -> (at: Seconds, a: [Step], b: [Step])? {
        guard let t = nextInstant, t <= limit else { return nil }
        sideB.play(t, with: &b)
        walkA.play(t, on: &a)
        sideB.wait(meanwhile: { walkA.readAhead() }, returning: &b)
        return (t, a.takeSteps(), b.takeSteps())
    }

    /// What each side's changes touched since ``clearTouches()`` (with `tracksTouches`).
    var touched: (a: Touches.Lists, b: Touches.Lists) { (a.touched, b.touched) }

    /// Both sides start noting what their changes touch again.
    mutating func clearTouches() {
        a.clearTouches()
        b.clearTouches()
    }

    /// Whether steps are recorded from now on.
    mutating func record(_ on: Bool) {
        (a.recording, b.recording) = (on, on)
    }

    /// Whether the projections may differ now (their fingerprints do).
    var fingerprintsDiffer: Bool { a.fingerprint != b.fingerprint }

    /// Both projectors, at the end of the walk (B's thread ends), no longer fingerprinting
    /// (what their fingerprints kept is let go before they are compared).
    mutating func finish() -> (a: Projector, b: Projector) {
        sideB.stop()
        (a.fingerprinting, b.fingerprinting) = (false, false)
        return (a, b)
    }
}
