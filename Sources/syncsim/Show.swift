import ArgumentParser
import SyncSimCore
import SyncSimRender
import SyncSimStore

/// `syncsim show`: the projection at an instant, rebuilt from a log.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what Marketo shows and Dynamics holds at an instant, rebuilt from an event log.",
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
        let projection: Projection
        var causes: [String: [String: Explainer.Entry]] = [:]
        do {
            let log = try EventLog.open(path: db)
            let rules = try log.header().rules
            let instant = try at?.seconds ?? log.lastEventAt() ?? 0
            let projector: Projector
            if why {
                let (explainer, p) = try log.withEvents { Explainer.run(rules: rules, events: &$0, contact: nil, through: instant) }
                projector = p
                causes = explainer.causes
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
            let filtered = !contact.isEmpty || !account.isEmpty
            projection = projector.projection(contacts: filtered ? Set(contact) : nil, accounts: filtered ? Set(account) : nil)
        } catch {
            throw Console.fail(error)
        }
        if json {
            var object = projection.json
            if why, case .object(var o) = object {
                var w: [String: JSON] = [:]
                for (a, fields) in causes where projection.accounts[a] != nil {
                    w[a] = .object(fields.mapValues { e in
                        .object(["at": .int(e.at), "cause": .string(e.cause), "activity": .string(e.activity)]
                                .merging(e.lost.map { ["lost": JSON.string($0)] } ?? [:]) { a, _ in a })
                    })
                }
                o["why"] = .object(w)
                object = .object(o)
            }
            Console.out(CanonicalJSON.string(for: object))
        } else {
            ProjectionText(style: Console.style).lines(projection, causes: why ? causes : nil).forEach { Console.out($0) }
        }
        Console.flush()
    }
}
