import ArgumentParser
import SyncSimCore
import SyncSimRender

/// `syncsim explain`: the history of what one contact shows, with causes.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain why a contact shows what it shows: every change, its cause, lost edits and activities.",
        usage: "syncsim explain <source> --contact <contact> [--field <field>]\n                [--at <at>] [--set <set> ...] [--json]",
        discussion: "Exit 0, or 2 on bad input."
    )

    @Argument(help: "An event log or a scenario file.")
    var source: String

    @Option(help: "The contact to explain.")
    var contact: String

    @Option(help: "Only this field.")
    var field: String?

    @Option(help: "Up to this instant (default: when the run has settled).")
    var at: TimeArgument?

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set overwrite=changed.")
    var overrides: [String] = []

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let explainer: Explainer
        let projector: Projector
        let instant: Seconds
        do {
            let run = try RunSource.load(source, overrides: overrides)
            // A log under its own rules: from the events the contact needs, through its index.
            if case .log(let log) = run.source, run.ownRules,
               let scope = try ScopedReplay.scope(log, rules: run.rules, contacts: [contact], accounts: []) {
                (explainer, projector) = try ScopedReplay.explain(log, scope: scope, rules: run.rules, focus: contact, through: at?.seconds)
                instant = try at?.seconds ?? max(projector.now, log.lastEventAt() ?? 0)
            } else {
                instant = try at?.seconds ?? run.settled()
                (explainer, projector) = try run.withEvents {
                    Explainer.run(rules: run.rules, events: &$0, contact: contact, through: instant)
                }
            }
            // A scoped replay knows only some names: the closest is the whole state's.
            try UnknownIDs.check(source, contacts: [contact], accounts: [], known: projector,
                                 everyName: { try run.projector(at: instant) }) { id, isContact in
                try run.names(id, contact: isContact)
            }
        } catch {
            throw Console.fail(error)
        }
        if json {
            let entries: [JSON] = explainer.history.filter { field == nil || $0.field == nil || $0.field == field }.map { e in
                var o: [String: JSON] = ["at": .int(e.at), "cause": .string(e.cause)]
                if let f = e.field {
                    o["field"] = .string(f)
                    o["old"] = JSON(e.old)
                    o["new"] = JSON(e.new)
                    o["activity"] = .string(e.activity)
                }
                if let lost = e.lost { o["lost"] = .string(lost) }
                return .object(o)
            }
            let view = projector.projection(contacts: [contact], accounts: [])
            Console.out(CanonicalJSON.string(for: .object([
                "contact": .string(contact), "at": .int(instant), "history": .array(entries),
                "now": view.json["contacts"]?[contact] ?? .null,
            ])))
        } else {
            ExplainText(style: Console.style).write(explainer, projector: projector, field: field, at: instant) { Console.out($0) }
        }
        Console.flush()
    }
}
