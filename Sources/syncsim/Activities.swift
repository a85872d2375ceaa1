import ArgumentParser
import SyncSimCore
import SyncSimRender

/// `syncsim activities`: every "Change Data Value" activity of a run, in Marketo's shapes.
struct Activities: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the run's Change Data Value activities as Marketo exports them (JSON Lines or CSV).",
        usage: "syncsim activities <run> [--contact <c> ...] [--at <at>]\n"
            + String(repeating: " ", count: 19) + "[--format jsonl|csv] [--set <set> ...]",
        discussion: """
        jsonl: one object per line, like the items of the REST "Get Lead Changes" call. csv: the \
        columns of the bulk activity extract. activityDate is the sync key `origin` plus the \
        instant (--set origin=2026-03-01T09:00:00Z). Exit 0, or 2 on bad input.
        """
    )

    @Argument(help: "An event log or a scenario file.")
    var source: String

    @Option(name: .customLong("contact"), help: "Only this contact's activities (repeatable); ids stay those of the whole list.")
    var contacts: [String] = []

    @Option(help: "Up to this instant (default: when the run has settled).")
    var at: TimeArgument?

    @Option(help: "jsonl or csv.")
    var format: ActivityFormat.Kind = .jsonl

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set origin=2026-03-01T09:00:00Z.")
    var overrides: [String] = []

    func run() throws {
        do {
            let run = try RunSource.load(source, overrides: overrides)
            try UnknownIDs.check(source, contacts: contacts, accounts: [], known: Projector(rules: run.rules),
                                 everyName: { try run.projector(at: at?.seconds ?? run.settled()) },
                                 names: { try run.names($0, contact: $1) })
            var format = ActivityFormat(kind: format, origin: run.rules.origin, contacts: contacts.isEmpty ? nil : Set(contacts))
            var out = JSONWriter(capacity: 1 << 20)
            out.bytes.append(contentsOf: format.header.utf8)
            _ = try run.withEvents { events in
                ActivityStream.forEach(rules: run.rules, events: events, through: at?.seconds) { batch in
                    format.write(batch, to: &out) { full in
                        Console.write(full.bytes)
                        full.bytes.removeAll(keepingCapacity: true)
                    }
                }
            }
            Console.write(out.bytes)
        } catch {
            throw Console.fail(error)
        }
        Console.flush()
    }
}

extension ActivityFormat.Kind: ExpressibleByArgument {}
