import SyncSimCore

/// Two runs of a random stream: A under its own rules, B under the other `overwrite` and a
/// minute more between cycles, B folding only the first `bShare` of the events (a prefix, so
/// still a valid stream); what tests of diffs compare.
public struct TwoRuns {
    public var events: [Event]
    public var rulesA: SyncRules
    public var rulesB: SyncRules
    public var a: Projector
    public var b: Projector

    public init(seed: UInt64, bShare: Double = 1) {
        let stream = RandomStream(seed: seed)
        events = stream.generate()
        rulesA = stream.rules()
        rulesB = rulesA
        rulesB.overwrite = rulesA.overwrite == .all ? .changed : .all
        rulesB.interval += 60
        (a, b) = (Projector(rules: rulesA), Projector(rules: rulesB))
        let bCount = Int(Double(events.count) * bShare)
        for (i, e) in events.enumerated() {
            a.apply(e, seq: i + 1)
            if i < bCount { b.apply(e, seq: i + 1) }
        }
    }
}
