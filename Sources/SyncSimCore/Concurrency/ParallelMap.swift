import Dispatch

/// `body(0)`, ..., `body(count - 1)`, run on the cores at once (as `concurrentPerform` spreads
/// them), returned in order.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let results = ParallelResults<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in results.store(body(i), at: i) }
    return results.take()
}

/// The results of ``parallelMap(_:_:)``: each slot written by one iteration only, read after
/// all have ended.
private final class ParallelResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(_ count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ value: T, at i: Int) { slots[i] = value }

    func take() -> [T] { slots.map { $0! } }
}
