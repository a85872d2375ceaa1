import ArgumentParser
import SyncSimCore
import SyncSimRender
import SyncSimScenario

/// `syncsim import`: bulk-records a JSON Lines stream in a new log.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a JSON Lines event stream in a new event log.",
        discussion: "Exit 0: recorded; 2: bad input (nothing is written)."
    )

    @Argument(help: "Event stream (.jsonl).")
    var file: String

    @Option(help: "Path of the new event log.")
    var db: String

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set activityLimit=100.")
    var overrides: [String] = []

    func run() throws {
        let events: Int
        let rejected: Int
        do {
            let summary = try Importer.run(file: file, db: db, overrides: overrides)
            events = summary.events
            rejected = summary.rejected
        } catch {
            throw Console.fail(error)
        }
        Console.out("recorded \(TextFormat.plural(events, "event")) (\(rejected) rejected) in \(db)")
        Console.flush()
    }
}
