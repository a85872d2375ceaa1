import ArgumentParser
import Foundation
import SyncSimImport
import SyncSimStore

/// `syncsim verify`: checks a log is intact, and keeps what still verifies of one that is not.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that an event log is intact (append-only guards, hash chain, payloads).",
        discussion: """
        Exit 0: intact; 1: not intact (the first bad event is named, with the events before it \
        that still verify); 2: not a readable log. With --salvage NEW.db, the events that \
        verify are kept in a new log.
        """
    )

    @Argument(help: "Event log.")
    var db: String

    @Option(help: ArgumentHelp("Copy the events that verify into a new log at this path.", valueName: "new.db"))
    var salvage: String?

    func run() throws {
        let report: EventLog.VerifyReport
        let log: EventLog
        do {
            log = try EventLog.open(path: db)
            // A damaged log may not count its rows: the bar then has no total.
            let progress = Progress("verify", total: (try? log.eventCount()) ?? 0)
            defer { progress.finish() }
            report = try log.verify { progress.update(done: $0, events: $0) }
        } catch {
            throw Console.fail(error)
        }
        guard let problem = report.problem else {
            Console.out("\(db): intact, \(report.events) events, head sha256:\(report.head)")
            if salvage != nil { Console.out("nothing to salvage: every event verifies") }
            Console.flush()
            return
        }
        Console.err("\(db): not intact: " + (problem.seq.map { "event #\($0): " } ?? "") + problem.reason)
        let kept = report.events
        guard kept > 0 else {
            Console.err("\(db): no event verifies; nothing can be kept")
            throw Exit.failed
        }
        guard let salvage else {
            Console.err("\(db): events #1 to #\(kept) verify; keep them in a new log with: syncsim verify \(db) --salvage NEW.db")
            throw Exit.failed
        }
        do {
            try Salvage.run(from: log, events: kept, to: salvage)
        } catch {
            throw Console.fail(error)
        }
        Console.err("\(db): kept events #1 to #\(kept) in \(salvage) (`syncsim verify \(salvage)` checks it)")
        throw Exit.failed
    }
}
