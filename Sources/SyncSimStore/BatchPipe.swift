import Foundation

/// Batches handed from one thread to another, so that reading and decoding overlap with
/// folding or writing on two cores. Bounded: the producer waits when the consumer is behind,
/// so memory stays at a few batches.
public final class BatchPipe<Element: Sendable>: @unchecked Sendable {
    public static var batchSize: Int { 1024 }
    private let capacity: Int
    private let condition = NSCondition()
    private var batches: [[Element]] = []
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?

    public init(capacity: Int = 8) { self.capacity = capacity }

    /// Hands over a batch; false when the producer should stop (the consumer is gone).
    @discardableResult
    public func put(_ batch: [Element]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
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
