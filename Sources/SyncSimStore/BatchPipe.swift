import Foundation

/// Batches handed from one thread to another, so that reading and decoding overlap with
/// folding or writing on two cores. Bounded: the producer waits when the consumer is behind,
/// so memory stays at a few batches.
public final class BatchPipe<Element: Sendable>: @unchecked Sendable {
    public static var batchSize: Int { 1024 }
    private let capacity: Int
    private let condition = NSCondition()
    private var batches: [[Element]] = []
    /// Batches the consumer is done with, to be freed by the producer.
    private var spent: [[Element]] = []
    /// Whether the producer still takes spent batches; with ``spent``, guarded by `spentLock`
    /// (not by `condition`: a consumer giving back must not wait for a producer that holds it).
    private var accepting = true
    private let spentLock = NSLock()
    /// The consumer's batches not handed back yet (the consumer's alone).
    private var returned: [[Element]] = []
    /// The producer's nice values: `base` while it is behind, `base + ahead` while it is ahead
    /// (the producer's alone; see ``start(niceness:_:)``).
    private var niceness: (base: Int32, ahead: Int32, current: Int32)?
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?

    public init(capacity: Int = 8) { self.capacity = capacity }

    /// Hands over a batch; false when the producer should stop (the consumer is gone).
    @discardableResult
    public func put(_ batch: [Element]) -> Bool {
        condition.lock()
        while batches.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else {
            condition.unlock()
            return false
        }
        batches.append(batch)
        let fill = batches.count
        // Woken after the lock is let go: a consumer woken first, on the producer's core, found
        // the lock still held by the producer it had just displaced.
        condition.unlock()
        condition.broadcast()
        pace(fill)
        spentLock.lock()
        let done = spent
        spent = []
        spentLock.unlock()
        // Freed here, on the thread that allocated them: freeing memory of another thread's
        // allocator arena contends for its lock.
        _ = done
        return true
    }

    /// Hands a consumed batch back, for the producer to free. Never waits: if the producer
    /// holds the lock of the batches given back, this one is handed over with the next.
    public func giveBack(_ batch: [Element]) {
        returned.append(batch)
        guard spentLock.try() else { return }
        if accepting { spent += returned }
        spentLock.unlock()
        returned = []  // freed here if the producer is gone
    }

    /// Ends the stream, with the problem that ended it if any.
    public func finish(_ failure: (any Error)?) {
        stopAccepting()
        condition.lock()
        self.failure = failure
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch; nil at the end, with the problem that ended the stream if any.
    public func take() -> (batch: [Element]?, failure: (any Error)?) {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return (nil, failure) }
        let batch = batches.removeFirst()
        condition.broadcast()
        return (batch, nil)
    }

    private func stopAccepting() {
        spentLock.lock()
        accepting = false
        spentLock.unlock()
    }

    /// The calling thread's nice value (on Linux a thread's nice value is its own, and
    /// `getpriority`/`setpriority` of `who` 0 are the calling thread's alone); nil elsewhere.
    static func nicenessOfThisThread() -> Int32? {
        #if os(Linux)
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? current : nil
        #else
        return nil
        #endif
    }

    static func setNicenessOfThisThread(_ n: Int32) {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(n, 19))
        #endif
    }

    /// The producer's priority for a pipe now holding `fill` batches: lowered once it is three
    /// quarters full, raised again once it is down to a quarter.
    private func pace(_ fill: Int) {
        guard let n = niceness else { return }
        let wanted = fill >= (capacity * 3 + 3) / 4 ? n.base + n.ahead : fill <= capacity / 4 ? n.base : n.current
        guard wanted != n.current else { return }
        Self.setNicenessOfThisThread(wanted)
        niceness = (n.base, n.ahead, wanted)
    }

    /// Tells the producer to stop.
    public func cancel() {
        stopAccepting()
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `produce` on a new thread with this pipe, and returns a function that stops it
    /// (if it is still running) and waits until it has ended.
    ///
    /// `niceness`, for a producer faster than its consumer: once the pipe is three quarters full,
    /// the producer runs at that much lower a priority (its nice value, on Linux; elsewhere it is
    /// not changed), and at its own again once the pipe is down to a quarter. On a machine with
    /// fewer cores than busy threads, the threads that are waited for then get the cores first
    /// while the producer is ahead, and the producer fills the pipe in their gaps; but it is not
    /// kept waiting for a core while its consumer waits for it (as it was when lowered throughout).
    public func start(niceness: Int32 = 0, _ produce: @escaping @Sendable (BatchPipe<Element>) -> Void) -> () -> Void {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            if niceness != 0, let base = Self.nicenessOfThisThread() { self.niceness = (base, niceness, base) }
            produce(self)
            done.signal()
        }
        thread.start()
        return { [self] in
            cancel()
            done.wait()
        }
    }
}
