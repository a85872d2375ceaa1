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
        let done = spent
        spent = []
        condition.broadcast()
        condition.unlock()
        // Freed here, on the thread that allocated them: freeing memory of another thread's
        // allocator arena contends for its lock.
        _ = done
        return true
    }

    /// Hands a consumed batch back, for the producer to free.
    public func giveBack(_ batch: [Element]) {
        condition.lock()
        if !cancelled && !finished { spent.append(batch) }
        condition.unlock()
    }

    /// Ends the stream, with the problem that ended it if any.
    public func finish(_ failure: (any Error)?) {
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

    /// Raises the calling thread's nice value by `n` (on Linux a thread's nice value is its own,
    /// and `setpriority` of `who` 0 changes the calling thread alone; elsewhere nothing is changed).
    static func lowerPriorityOfThisThread(by n: Int32) {
        #if os(Linux)
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        guard errno == 0 else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(current + n, 19))
        #endif
    }

    /// Tells the producer to stop.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `produce` on a new thread with this pipe, and returns a function that stops it
    /// (if it is still running) and waits until it has ended.
    ///
    /// `niceness` lowers that thread's priority (its nice value, on Linux; elsewhere it is not
    /// changed): for a producer that runs well ahead of its consumer, so that on a machine with
    /// fewer cores than busy threads, the threads that are waited for get the cores first and
    /// the producer fills the pipe in their gaps.
    public func start(niceness: Int32 = 0, _ produce: @escaping @Sendable (BatchPipe<Element>) -> Void) -> () -> Void {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            if niceness != 0 { Self.lowerPriorityOfThisThread(by: niceness) }
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
