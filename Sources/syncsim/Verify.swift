import ArgumentParser
import Foundation
import SyncSimStore

/// `syncsim verify`: checks a log is intact.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that an event log is intact (append-only guards, hash chain, payloads).",
        discussion: "Exit 0: intact; 1: not intact (the first bad event is named); 2: not a readable log."
    )

    @Argument(help: "Event log.")
    var db: String

    func run() throws {
        let report: EventLog.VerifyReport
        do {
            let log = try EventLog.open(path: db)
            let progress = Progress("verify", total: try log.eventCount())
            defer { progress.finish() }
            report = try log.verify { progress.update(done: $0, events: $0) }
        } catch {
            throw Console.fail(error)
        }
        if let problem = report.problem {
            Console.err("\(db): not intact: " + (problem.seq.map { "event #\($0): " } ?? "") + problem.reason)
            throw Exit.failed
        }
        Console.out("\(db): intact, \(report.events) events, head sha256:\(report.head)")
        Console.flush()
    }
}
