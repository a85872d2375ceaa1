import Foundation

/// One side of a lockstep walk played on a thread of its own: its events, and its projector
/// while it plays an instant. The walk hands it each instant to play with the projector while
/// it plays the other side's, then waits for it and takes the projector back: between two
/// instants the projector is the walk's own, a stored value that it lends without copying (a
/// projector read from a class's property is copied whole, every array retained then released,
/// at each reading).
final class SideThread<Events: IteratorProtocol<Event>>: @unchecked Sendable {
    /// The walk's projector from ``play(_:with:)`` to the end of ``wait(meanwhile:returning:)``,
    /// an empty one otherwise; the side's thread alone uses it meanwhile (each ``Handoff``
    /// orders what one thread wrote before what the other reads).
    private var projector: Projector
    /// Dropped by the side's thread as it ends: the events' iterator may not outlive the walk.
    private var walker: InstantWalker<Events>?
    /// The side's next instant, as of its last instant played.
    private(set) var nextInstant: Seconds?
    private var instant: Seconds = 0
    /// Turns handed out; the side's thread ends at the turn `Int.max`.
    private var turn = 0
    private var stopped = false
    private let handed = Handoff()
    private let played = Handoff()

    /// Takes `events` (which the side's thread alone reads from now on), to be played on
    /// `projector`, and starts the thread.
    init(_ projector: borrowing Projector, _ events: Events) {
        self.projector = Projector(rules: projector.rules)
        let walker = InstantWalker(events)
        nextInstant = walker.nextInstant(projector)
        self.walker = walker
        SideThreadStart.start(SideThreadStart.Body { [self] in run() })
    }

    private func run() {
        var done = 0
        while true {
            let turn = handed.wait(for: done + 1) { walker?.readAhead() ?? false }
            if turn == .max {
                walker = nil
                played.post(.max)
                return
            }
            walker!.play(instant, on: &projector)
            nextInstant = walker!.nextInstant(projector)
            done = turn
            played.post(turn)
        }
    }

    /// Has the side's thread play `t` on `projector`, which it holds until
    /// ``wait(meanwhile:returning:)`` gives it back (moved in and out, never copied).
    func play(_ t: Seconds, with projector: inout Projector) {
        swap(&self.projector, &projector)
        instant = t
        turn += 1
        handed.post(turn)
    }

    /// Waits until the instant handed last is played, doing `work` meanwhile (as
    /// ``Handoff/wait(for:meanwhile:)`` does), and gives the projector back.
    func wait(meanwhile work: () -> Bool, returning projector: inout Projector) {
        played.wait(for: turn, meanwhile: work)
        swap(&self.projector, &projector)
    }

    /// Ends the side's thread (after ``wait(meanwhile:returning:)``, or before any
    /// ``play(_:with:)``), once it has let go of the events; again, does nothing.
    func stop() {
        guard !stopped else { return }
        stopped = true
        handed.post(.max)
        played.wait(for: .max)
    }
}

/// Starts a side's thread, outside the generic class (its closure must not capture the
/// iterator's type).
private enum SideThreadStart {
    /// The thread's work, handed to it whole (the side's thread alone runs it).
    struct Body: @unchecked Sendable {
        let run: () -> Void
    }

    static func start(_ body: Body) {
        let thread = Thread { body.run() }
        thread.name = "syncsim side B"
        thread.start()
    }
}
