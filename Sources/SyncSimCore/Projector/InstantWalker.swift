/// Walks a projector through an event stream one instant at a time: every instant at which
/// an event happens or a sync cycle lands, in order.
public struct InstantWalker<Events: IteratorProtocol<Event>> {
    private var events: Events
    private var upcoming: Event?
    /// Events read after `upcoming` by ``readAhead(upTo:)`` and not played yet, from `head` on.
    private var ahead: [Event?] = []
    private var head = 0
    /// Whether `events` has ended.
    private var ended = false
    /// Sequence number of the last event played.
    public private(set) var seq = 0

    public init(_ events: Events) {
        self.events = events
        upcoming = self.events.next()
        ended = upcoming == nil
    }

    /// Reads one more event ahead of those to play, for a thread with time to spare while it
    /// waits for another (reading and decoding are then done by the time they are played);
    /// false when `limit` events are held ahead already or the events have ended.
    mutating func readAhead(upTo limit: Int = 4096) -> Bool {
        guard ahead.count - head < limit, let e = read() else { return false }
        ahead.append(e)
        return true
    }

    /// The next event of `events`, nil once they have ended (they are not asked again then).
    private mutating func read() -> Event? {
        guard !ended, let e = events.next() else {
            ended = true
            return nil
        }
        return e
    }

    /// The event after `upcoming`: the first held ahead, else the next read.
    private mutating func following() -> Event? {
        guard head < ahead.count else { return read() }
        let e = ahead[head].take()
        head += 1
        if head == ahead.count {
            ahead.removeAll(keepingCapacity: true)
            head = 0
        }
        return e
    }

    /// The next instant at which something happens to `projector`, if any.
    public func nextInstant(_ projector: Projector) -> Seconds? {
        guard let next = upcoming?.at else { return projector.nextCycleLanding }
        return projector.nextCycleLanding.map { min($0, next) } ?? next
    }

    /// Brings `projector` to the end of `instant`: cycles due, then the events of that instant.
    public mutating func play(_ instant: Seconds, on projector: inout Projector) {
        projector.advance(to: instant)
        while upcoming?.at == instant {
            seq += 1
            // Moved out, not copied: taken straight into the argument (held in a constant
            // first, the event is copied and the emptied optional destroyed).
            projector.apply(upcoming.take()!, seq: seq)
            upcoming = following()
        }
    }
}
