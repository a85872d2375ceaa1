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

    /// Tells the producer to stop.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `produce` on a new thread with this pipe, and returns a function that stops it
    /// (if it is still running) and waits until it has ended.
    public func start(_ produce: @escaping @Sendable (BatchPipe<Element>) -> Void) -> () -> Void {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
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
