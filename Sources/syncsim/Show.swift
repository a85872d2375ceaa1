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

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let projection: Projection
        do {
            let log = try EventLog.open(path: db)
            let rules = try log.header().rules
            let instant = try at?.seconds ?? log.lastEventAt() ?? 0
            let projector = try log.withEvents { Simulation.fold(rules: rules, events: &$0, through: instant) }
            let filtered = !contact.isEmpty || !account.isEmpty
            projection = projector.projection(contacts: filtered ? Set(contact) : nil, accounts: filtered ? Set(account) : nil)
        } catch {
            throw Console.fail(error)
        }
        if json {
            Console.out(CanonicalJSON.string(for: projection.json))
        } else {
            ProjectionText(style: Console.style).lines(projection).forEach { Console.out($0) }
        }
        Console.flush()
    }
}
