import CPrefetch
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A number that one thread raises and another waits for, many times a second: how two
/// threads working in step hand each other a turn.
///
/// The waiter first spins (on two free cores a turn comes back sooner than a sleeping thread
/// could be woken), then yields its core, then sleeps until woken: a waiter never keeps a
/// core from the thread it waits for when there are more threads than cores (a loaded
/// machine, a test run in parallel).
final class Handoff: Sendable {
    private let value = Atomic<Int>(0)
    /// Whether the waiter sleeps (or is about to): the poster then wakes it.
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    /// Loads of the value while spinning (each after a pause hint), then yields, before
    /// sleeping: the spin outlasts a usual instant of the other side's fold, and is short
    /// beside the wake-up of a sleeping thread.
    private static let spins = 5_000
    private static let yields = 20

    /// Raises the value to `v` (never lowers it), waking the waiter if it sleeps. Whatever
    /// this thread wrote before is seen by the waiter once its wait returns.
    func post(_ v: Int) {
        value.store(v, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    /// Waits until the value is at least `v`, and returns it. Meanwhile, `work` is called
    /// while it finds something to do (it returns false when it has nothing left): short
    /// pieces of work the waiting thread would do later anyway.
    @discardableResult
    func wait(for v: Int, meanwhile work: () -> Bool = { false }) -> Int {
        while true {
            let x = value.load(ordering: .acquiring)
            if x >= v { return x }
            if !work() { break }
        }
        for _ in 0..<Self.spins {
            let x = value.load(ordering: .acquiring)
            if x >= v { return x }
            syncsim_spin_pause()
        }
        for _ in 0..<Self.yields {
            let x = value.load(ordering: .acquiring)
            if x >= v { return x }
            sched_yield()
        }
        while true {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            let x = value.load(ordering: .sequentiallyConsistent)
            if x >= v {
                // A poster that saw the flag signals: that signal is taken here, not left for
                // the next wait.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return x
            }
            wake.wait()
        }
    }
}
