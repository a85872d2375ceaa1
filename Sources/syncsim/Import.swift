import ArgumentParser
import SyncSimCore
import SyncSimImport
import SyncSimRender
import SyncSimScenario

/// `syncsim import`: bulk-records a JSON Lines stream in a new log.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a JSON Lines event stream in an event log: a new one, or the one an interrupted import of it left.",
        usage: "syncsim import <file> --db <db> [--set <set> ...]\n               [--checkpoint-every <N>]",
        discussion: "Exit 0: recorded; 2: bad input (nothing is written); 74: writing failed (a full disk): the log keeps what was committed, and the same command resumes."
    )

    @Argument(help: "Event stream (.jsonl).")
    var file: String

    @Option(help: "Path of the new event log.")
    var db: String

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set activityLimit=100.")
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Store a checkpoint of the projection every N events: more often makes `show --at` faster and the log larger.", valueName: "N"))
    var checkpointEvery = Importer.defaultCheckpointInterval

    func validate() throws {
        guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be a positive number of events") }
    }

    func run() throws {
        let summary: Importer.Summary
        do {
            summary = try Importer.run(file: file, db: db, overrides: overrides, checkpointEvery: checkpointEvery) { total in
                Progress("import", total: total)
            }
        } catch {
            throw Console.fail(error)
        }
        if summary.alreadyRecorded == summary.events {
            Console.out("\(db) already holds all \(TextFormat.plural(summary.events, "event")) of \(file); nothing to do")
        } else if summary.alreadyRecorded > 0 {
            Console.out("resumed: \(db) held \(summary.alreadyRecorded) of \(summary.events) events; recorded the other \(summary.events - summary.alreadyRecorded) (\(summary.rejected) rejected in all)")
        } else {
            Console.out("recorded \(TextFormat.plural(summary.events, "event")) (\(summary.rejected) rejected) in \(db)")
        }
        Console.flush()
    }
}
