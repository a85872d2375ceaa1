import Foundation
import SyncSimCore
import SyncSimStore

/// Explains one contact or shows a few contacts and accounts of a log from the events the
/// question needs (``ReplayScope``), found through the log's index, rather than by replaying
/// every event: the same output, in a fraction of the time on a large log.
enum ScopedReplay {
    /// The events a question about `contacts` and `accounts` needs, with the log's last
    /// Dynamics event (for when it settles); nil when the whole log must be replayed (a log
    /// without a complete index, or with a capacity).
    static func scope(_ log: EventLog, rules: SyncRules, contacts: [String], accounts: [String]) throws -> [Int]? {
        guard let pieces = try log.indexPieces() else { return nil }
        return try ReplayScope.seqs(contacts: contacts, accounts: accounts, rules: rules, lastDynamics: try log.lastDynamicsSeq(),
                                    lookup: { wanted in try halves(pieces) { pieces throws(EventIndex.Malformed) in try EventIndex.lookup(wanted, in: pieces) } join: { $0.followed(by: $1) } },
                                    union: { wanted in try halves(pieces) { pieces throws(EventIndex.Malformed) in try EventIndex.seqs(under: wanted, in: pieces) } join: { $0 + $1 } },
                                    events: { try log.events(seqs: $0, havingKey: $1) })
    }

    /// `walk` of the first and second halves of the pieces on two threads, joined in order.
    static func halves<T: Sendable>(_ pieces: [[UInt8]], _ walk: @Sendable ([[UInt8]]) throws(EventIndex.Malformed) -> T,
                                    join: (T, T) -> T) throws -> T {
        let half = pieces.count / 2
        guard half > 0 else { return try walk(pieces) }
        let parts = [Array(pieces[..<half]), Array(pieces[half...])]
        let found = parallelMap(2) { i in Result { () throws(EventIndex.Malformed) in try walk(parts[i]) } }
        return join(try found[0].get(), try found[1].get())
    }

    /// The explainer and the projector after the scope's events through `instant` (nil: until
    /// the log has settled, which the scope's last Dynamics event makes it do when the log
    /// does), with `focus`'s history kept. The events are read on a thread of their own as
    /// they are replayed.
    static func explain(_ log: EventLog, scope: [Int], rules: SyncRules, focus: String?,
                        through instant: Seconds?) throws -> (Explainer, Projector) {
        try log.withEvents(seqs: scope) { events in
            var numbered = Numbered(seqs: scope, events: events)
            defer { events = numbered.events }
            return Explainer.run(rules: rules, numbered: &numbered, contact: focus, through: instant)
        }
    }

    /// The scope's events with their sequence numbers.
    private struct Numbered: IteratorProtocol {
        let seqs: [Int]
        var events: EventLog.EventIterator
        var index = 0

        mutating func next() -> (seq: Int, event: Event)? {
            guard index < seqs.count, let e = events.next() else { return nil }
            defer { index += 1 }
            return (seqs[index], e)
        }
    }
}
