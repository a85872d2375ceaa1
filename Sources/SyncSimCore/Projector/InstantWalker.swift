/// Walks a projector through an event stream one instant at a time: every instant at which
/// an event happens or a sync cycle lands, in order.
public struct InstantWalker<Events: IteratorProtocol<Event>> {
    private var events: Events
    private var upcoming: Event?
    /// Sequence number of the last event played.
    public private(set) var seq = 0

    public init(_ events: Events) {
        self.events = events
        upcoming = self.events.next()
    }

    /// The next instant at which something happens to `projector`, if any.
    public func nextInstant(_ projector: Projector) -> Seconds? {
        guard let next = upcoming?.at else { return projector.nextCycleLanding }
        return projector.nextCycleLanding.map { min($0, next) } ?? next
    }

    /// Brings `projector` to the end of `instant`: cycles due, then the events of that instant.
    public mutating func play(_ instant: Seconds, on projector: inout Projector) {
        projector.advance(to: instant)
        while let e = upcoming, e.at == instant {
            seq += 1
            projector.apply(e, seq: seq)
            upcoming = events.next()
        }
    }
}
