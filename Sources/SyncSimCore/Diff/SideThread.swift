import Foundation

/// One side of a lockstep walk played on a thread of its own: its projector and its events.
/// The walk hands it each instant to play while it plays the other side's, then waits for it;
/// between two instants the side's thread waits, so its projector is the walk's to read.
final class SideThread<Events: IteratorProtocol<Event>>: @unchecked Sendable {
    /// Written by the side's thread from ``play(_:)`` to the end of ``wait()``, by the walk's
    /// otherwise (each ``Handoff`` orders what one thread wrote before what the other reads).
    var projector: Projector
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

    /// Takes `events` (which the side's thread alone reads from now on) and starts the thread.
    init(_ projector: Projector, _ events: Events) {
        self.projector = projector
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

    /// Has the side's thread play `t`.
    func play(_ t: Seconds) {
        instant = t
        turn += 1
        handed.post(turn)
    }

    /// Waits until the instant handed last is played, doing `work` meanwhile (as
    /// ``Handoff/wait(for:meanwhile:)`` does).
    func wait(meanwhile work: () -> Bool) {
        played.wait(for: turn, meanwhile: work)
    }

    /// Ends the side's thread (after ``wait(meanwhile:)``, or before any ``play(_:)``), once it
    /// has let go of the events; again, does nothing.
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
