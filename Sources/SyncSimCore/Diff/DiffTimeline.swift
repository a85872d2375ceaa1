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
    /// The first instant after which the projections differed (what happened then:
    /// ``Divergence/steps(at:a:rules:b:rules:)``).
    public var firstAt: Seconds?
    /// The last instant walked: without a limit, when the later of the two runs has settled
    /// (neither has an event or a cycle with work left).
    public var end: Seconds = 0

    /// Folds both event streams in step, instant by instant (event instants and cycle landings
    /// of either side) through `limit`, comparing the projections after each instant: a
    /// constant-time fingerprint comparison, the full one only when the fingerprints differ.
    public static func of<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>(
        a eventsA: A, rules rulesA: SyncRules,
        b eventsB: B, rules rulesB: SyncRules,
        through limit: Seconds
    ) -> DiffTimeline {
        walk(a: eventsA, rules: rulesA, b: eventsB, rules: rulesB, through: limit).timeline
    }

    /// ``of(a:rules:b:rules:through:)``, with both projectors as the walk leaves them: the
    /// projections at `limit`, for the differences then. Compiled for the commands' iterators
    /// too: run as generic code, B's thread asked the runtime for its walker's type at every
    /// turn, and every event went through the iterators' protocol tables.
    @_specialize(exported: false, where A == AnyIterator<Event>, B == AnyIterator<Event>)
    public static func walk<A: IteratorProtocol<Event>, B: IteratorProtocol<Event>>(
        a eventsA: A, rules rulesA: SyncRules,
        b eventsB: B, rules rulesB: SyncRules,
        through limit: Seconds
    ) -> (timeline: DiffTimeline, a: Projector, b: Projector) {
        var walk = LockstepWalk(a: eventsA, rules: rulesA, b: eventsB, rules: rulesB, through: limit, recording: false,
                                tracksTouches: true)
        var timeline = DiffTimeline()
        var counter = IntervalCounter()
        while let (t, _, _) = walk.next() {
            timeline.end = t
            defer { walk.clearTouches() }
            // Equal fingerprints: the same projections. Otherwise, at the start of an interval,
            // the full comparison; within one, only what this instant's changes touched can have
            // begun to differ, so only that is compared (a long interval of two large runs must
            // not cost a full comparison at every instant).
            let differs: Bool
            if !walk.fingerprintsDiffer {
                differs = false
            } else if counter.from != nil {
                let (ta, tb) = walk.touched
                counter.update(walk.a, walk.b, touched: ta, tb)
                differs = true
            } else {
                let diff = ProjectionDiff.compare(walk.a, walk.b)
                differs = !diff.isEmpty
                if differs { counter.begin(at: t, with: diff) }
            }
            if differs {
                if timeline.firstAt == nil { timeline.firstAt = t }
            } else if let interval = counter.end(at: t) {
                timeline.intervals.append(interval)
            }
        }
        if let interval = counter.end(at: nil) { timeline.intervals.append(interval) }
        let (a, b) = walk.finish()
        return (timeline, a, b)
    }

    /// Whether a contact (`x` on side A, `y` on side B) differs between the sides: in Marketo on
    /// one only, or shown otherwise
    /// (``Projector/contactView(_:)``: its account, its company's values, its activity counts;
    /// compared in that order, the values last, without building the views).
    static func differs(_ x: MarketoContact?, _ y: MarketoContact?, _ pa: borrowing Projector, _ pb: borrowing Projector) -> Bool {
        guard let x, let y else { return (x == nil) != (y == nil) }
        return pa.marketoAccount(x) != pb.marketoAccount(y) || pa.tally(x) != pb.tally(y) || pa.shownFields(x) != pb.shownFields(y)
    }
}
