import Foundation
import Testing
@testable import SyncSimCore

/// The pieces of the two-thread lockstep walk: turns handed between threads, and events read
/// ahead while a side waits.
@Suite struct LockstepTests {
    /// A count only the thread whose turn it is touches: unsynchronized but for the handoffs.
    final class Shared: @unchecked Sendable {
        var count = 0
        var order: [Int] = []
    }

    /// Two threads take 20,000 turns each, alternately: every turn sees the other's writes
    /// and none overlaps. Every 500th turn one side dawdles so that the other goes past its
    /// spinning and sleeps (and must be woken).
    @Test func turnsAlternateAndSeeEachOthersWrites() {
        let (mine, theirs) = (Handoff(), Handoff())
        let shared = Shared()
        let turns = 20_000
        let other = Thread {
            for k in 1...turns {
                theirs.wait(for: k)
                shared.count += 1
                shared.order.append(-k)
                if k % 500 == 0 { usleep(2_000) }
                mine.post(k)
            }
        }
        other.start()
        for k in 1...turns {
            shared.count += 1
            shared.order.append(k)
            theirs.post(k)
            mine.wait(for: k)
        }
        #expect(shared.count == 2 * turns)
        #expect(shared.order == (1...turns).flatMap { [$0, -$0] })
    }

    /// What a waiting thread does meanwhile runs until the turn comes or it has nothing left.
    @Test func aWaitWorksMeanwhileUntilItsTurnComes() {
        let turn = Handoff()
        var done = 0
        turn.wait(for: 0) { done += 1; return true }
        #expect(done == 0)
        turn.post(1)
        turn.wait(for: 1) { done += 1; return true }
        #expect(done == 0)
        let later = Handoff()
        let poster = Thread {
            usleep(5_000)
            later.post(1)
        }
        poster.start()
        later.wait(for: 1) {
            done += 1
            return done < 10
        }
        #expect(done == 10)
    }

    /// Events, counting the calls after they have ended (a log's statement would start over).
    struct Ending: IteratorProtocol {
        final class Calls { var afterEnd = 0 }
        var events: IndexingIterator<[Event]>
        let calls: Calls
        var ended = false

        mutating func next() -> Event? {
            if ended { calls.afterEnd += 1 }
            let e = events.next()
            if e == nil { ended = true }
            return e
        }
    }

    /// Events read ahead, any number at any time, are played as those read as they come; the
    /// events are not asked again once they have ended.
    @Test(arguments: Array(UInt64(1)...12))
    func readingAheadChangesNothing(seed: UInt64) {
        var stream = RandomStream(seed: seed)
        stream.events = 400
        let events = stream.generate()
        let rules = stream.rules()
        var plain = Projector(rules: rules), ahead = Projector(rules: rules)
        let calls = Ending.Calls()
        var w1 = InstantWalker(events.makeIterator()), w2 = InstantWalker(Ending(events: events.makeIterator(), calls: calls))
        var rng = SplitMix64(seed: seed)
        while let t = w1.nextInstant(plain) {
            #expect(w2.nextInstant(ahead) == t)
            w1.play(t, on: &plain)
            w2.play(t, on: &ahead)
            for _ in 0..<(rng.next() % 40) { _ = w2.readAhead(upTo: Int(rng.next() % 30) + 1) }
        }
        #expect(w2.nextInstant(ahead) == nil)
        for _ in 0..<3 { _ = w2.readAhead() }
        #expect(calls.afterEnd == 0, "seed \(seed)")
        // Played to the end without reading ahead, then asked to: nothing more is read.
        let late = Ending.Calls()
        var w3 = InstantWalker(Ending(events: events.makeIterator(), calls: late)), p3 = Projector(rules: rules)
        while let t = w3.nextInstant(p3) { w3.play(t, on: &p3) }
        let more = w3.readAhead()
        #expect(!more)
        #expect(late.afterEnd == 0, "seed \(seed)")
        #expect(w1.seq == w2.seq)
        #expect(plain.projection().digest == ahead.projection().digest)
    }
}
