/// Every "Change Data Value" activity of a run in the order of format 5.6, built plainly:
/// fold the reference projector, gather every contact's activities, sort them by instant, then
/// the landing cycle before the Marketo edits (those by sequence number), then contact id, then
/// field name. ``ActivityStream`` is the fast, streamed way to the same list.
public enum ReferenceActivities {
    /// The activities logged through `end` (nil: until the run settles).
    public static func list<I: IteratorProtocol<Event>>(rules: SyncRules, events: I, through end: Seconds?) -> [Activity] {
        var projector = ReferenceProjector(rules: rules)
        var events = events
        var seq = 0
        while let e = events.next() {
            if let end, e.at > end { break }
            seq += 1
            projector.apply(e, seq: seq)
        }
        if let end { projector.advance(to: end) } else { projector.settle() }
        let all = projector.projection().contacts.keys.flatMap { projector.activities(of: $0) }
        return all.enumerated().sorted { x, y in
            let (a, b) = (x.element, y.element)
            if a.at != b.at { return a.at < b.at }
            if a.cause != b.cause { return rank(a.cause) < rank(b.cause) }
            if !a.contact.utf8.elementsEqual(b.contact.utf8) { return CanonicalJSON.utf8Less(a.contact, b.contact) }
            if !a.field.utf8.elementsEqual(b.field.utf8) { return CanonicalJSON.utf8Less(a.field, b.field) }
            return x.offset < y.offset
        }.map(\.element)
    }

    /// Cycles first (one lands at an instant at most), then edits by sequence number.
    private static func rank(_ cause: ActivityCause) -> (Int, Int64) {
        switch cause {
        case .cycle(let k): return (0, k)
        case .edit(let seq): return (1, Int64(seq))
        }
    }
}
