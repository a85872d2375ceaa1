import Foundation
import ArgumentParser
import SyncSimCore
import SyncSimImport
import SyncSimRender
import SyncSimStore

/// `syncsim show`: the projection at an instant, rebuilt from a log.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what Marketo shows and Dynamics holds at an instant, rebuilt from an event log.",
        usage: "syncsim show <db> [--at <at>] [--contact <c> ...] [--account <a> ...]\n             [--why] [--json]",
        discussion: "Exit 0, or 2 on bad input."
    )

    @Argument(help: "Event log.")
    var db: String

    @Option(help: "The instant (seconds or a duration like 10m). Default: the last event's instant.")
    var at: TimeArgument?

    @Option(help: "Show only this contact (repeatable).")
    var contact: [String] = []

    @Option(help: "Show only this account (repeatable).")
    var account: [String] = []

    @Flag(help: "Add the cause of each current value (which Dynamics event and cycle, or which Marketo edit).")
    var why = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let projector: Projector
        // The sync queue, when it is not the projector's own (a scoped replay's).
        var queue: QueueState?
        // Every name through the instant, when the projector's are not (a scoped replay's).
        var everyName: Projector?
        var causes: [String: [String: Explainer.Entry]] = [:]
        do {
            let log = try EventLog.open(path: db)
            let rules = try log.header().rules
            let instant = try at?.seconds ?? log.lastEventAt() ?? 0
            if why {
                // A few contacts and accounts: from the events they need, the sync queue (the
                // whole log's) from the latest checkpoint; the whole projection: every event.
                // The checkpoint's state is read on a thread and a connection of its own meanwhile.
                let whole = contact.isEmpty && account.isEmpty ? nil : Background { () throws(any Error) in try EventLog.open(path: db).projector(at: instant, rules: rules) }
                let scoped = try (whole == nil ? nil : ScopedReplay.scope(log, rules: rules, contacts: contact, accounts: account))
                    .map { try ScopedReplay.explain(log, scope: $0, rules: rules, focus: nil, through: instant) }
                let (explainer, p) = try scoped ?? log.withEvents { Explainer.run(rules: rules, events: &$0, contact: nil, through: instant) }
                projector = p
                causes = explainer.causes
                if scoped != nil, let whole = try whole?.value() {
                    queue = whole.queue
                    everyName = whole
                }
            } else {
                // From the latest checkpoint at or before the instant: only the events after it are replayed.
                var bar: Progress?
                defer { bar?.finish() }
                projector = try log.projector(at: instant, rules: rules) { remaining in
                    let progress = Progress("replay", total: remaining)
                    bar = progress
                    return { progress.update(done: $0, events: $0) }
                }
            }
            keepUntilExit(projector)
            try UnknownIDs.check(db, contacts: contact, accounts: account, known: projector, everyName: everyName.map { p in { p } }) { id, isContact in
                try log.names(id, contact: isContact)
            }
        } catch {
            throw Console.fail(error)
        }
        if contact.isEmpty && account.isEmpty {
            // The whole projection is written as it is made, never held whole (a log of a
            // million events has hundreds of thousands of contacts).
            let writer = ProjectionWriter(projector)
            if json {
                let shown = Set(writer.accountIDs)
                writer.writeJSON(extra: why ? ["why": whyJSON(causes) { shown.contains($0) }] : [:]) { Console.write($0) }
                Console.out()
            } else {
                ProjectionText(style: Console.style).write(writer, causes: why ? causes : nil) { Console.out($0) }
            }
        } else {
            var projection = projector.projection(contacts: Set(contact), accounts: Set(account))
            if let queue { projection.queue = queue }
            if json {
                var object = projection.json
                if why, case .object(var o) = object {
                    o["why"] = whyJSON(causes) { projection.accounts[$0] != nil }
                    object = .object(o)
                }
                Console.out(CanonicalJSON.string(for: object))
            } else {
                ProjectionText(style: Console.style).lines(projection, causes: why ? causes : nil).forEach { Console.out($0) }
            }
        }
        Console.flush()
    }

    /// `--why`'s member of the JSON: the cause of each current Marketo value of the accounts shown.
    private func whyJSON(_ causes: [String: [String: Explainer.Entry]], shown: (String) -> Bool) -> JSON {
        var w: [String: JSON] = [:]
        for (a, fields) in causes where shown(a) {
            w[a] = .object(fields.mapValues { e in
                .object(["at": .int(e.at), "cause": .string(e.cause), "activity": .string(e.activity)]
                        .merging(e.lost.map { ["lost": JSON.string($0)] } ?? [:]) { a, _ in a })
            })
        }
        return .object(w)
    }
}
