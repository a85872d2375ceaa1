import SyncSimCore
import SyncSimStore

/// Explains one contact or shows a few contacts and accounts of a log from the events the
/// question needs (``ReplayScope``), found through the log's index, rather than by replaying
/// every event: the same output, in a fraction of the time on a large log.
enum ScopedReplay {
    /// The events a question about `contacts` and `accounts` needs, with the log's last
    /// Dynamics event (for when it settles); nil when the whole log must be replayed (a log
    /// without a complete index, or with a capacity).
    static func scope(_ log: EventLog, rules: SyncRules, contacts: [String], accounts: [String]) throws -> [(seq: Int, event: Event)]? {
        guard let pieces = try log.indexPieces() else { return nil }
        return try ReplayScope.events(contacts: contacts, accounts: accounts, rules: rules, lastDynamics: try log.lastDynamicsSeq(),
                                      lookup: { try EventIndex.lookup($0, in: pieces) },
                                      events: { try log.events(seqs: $0) })
    }

    /// The explainer and the projector after the scope's events through `instant` (nil: until
    /// the log has settled, which the scope's last Dynamics event makes it do when the log
    /// does), with `focus`'s history kept.
    static func explain(_ scope: [(seq: Int, event: Event)], rules: SyncRules, focus: String?,
                        through instant: Seconds?) -> (Explainer, Projector) {
        var events = scope.makeIterator()
        return Explainer.run(rules: rules, numbered: &events, contact: focus, through: instant)
    }
}
