import ArgumentParser
import Foundation
import SyncSimCore

/// `syncsim generate`: writes a seeded, realistic JSON Lines workload.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded JSON Lines workload: a simulated day of a Marketo instance.",
        usage: "syncsim generate [--seed <seed>] [--events <n>] [--accounts <n>]\n                 [--contacts <n>] [--span <t>] [--no-rules]\n                 [--capacity <n>] [--burst <share@time>]\n                 [--filter-share <x>] [-o <file>]",
        discussion: """
        Accounts get Zipf-distributed contact counts (the largest above 5,000 at the default sizes \
        of a million events), then Dynamics updates, Marketo edits, moves, deletes, rejected \
        creates and rule changes spread over the span. The same options give the same bytes.

        Version 2: --capacity sets the most records a cycle carries; --burst 0.2@12h makes \
        Dynamics update a fifth of the accounts at once at 12h (a mass update); --filter-share \
        0.1 sets the sync filter new_synctomkto and toggles it on every tenth account.
        """
    )

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Number of events.")
    var events = 100_000

    @Option(help: "Number of accounts (default: events / 50).")
    var accounts: Int?

    @Option(help: "Number of contacts (default: events / 5).")
    var contacts: Int?

    @Option(help: "Simulated span (seconds or a duration like 1d).")
    var span: TimeArgument = TimeArgument(argument: "1d")!

    @Flag(help: "Emit no sync.configure lines.")
    var noRules = false

    @Option(help: "The most records one cycle carries (1 to 1000000000; default unlimited).")
    var capacity: Int64?

    @Option(help: ArgumentHelp("A mass update: SHARE of the accounts updated at once at TIME, e.g. 0.2@12h.", valueName: "share@time"))
    var burst: String?

    @Option(help: "The share of accounts whose sync filter field toggles (0 to 1; default 0).")
    var filterShare = 0.0

    func validate() throws {
        if let capacity, !(1...Capacity.maximum).contains(capacity) {
            throw ValidationError("--capacity must be a whole number of records from 1 to 1000000000")
        }
        guard (0...1).contains(filterShare) else { throw ValidationError("--filter-share must be between 0 and 1") }
        if let burst, Self.burst(burst) == nil {
            throw ValidationError("--burst must be SHARE@TIME with a share from 0 to 1 and a time like 12h, e.g. 0.2@12h; found '\(burst)'")
        }
    }

    /// `SHARE@TIME`, as a share and an instant.
    static func burst(_ text: String) -> (share: Double, at: Seconds)? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let share = Double(parts[0]), (0...1).contains(share),
              let at = TimeArgument(argument: String(parts[1])) else { return nil }
        return (share, at.seconds)
    }

    @Option(name: [.short, .customLong("output")], help: "Output file (default: standard output).")
    var output: String?

    func run() throws {
        var w = Workload()
        w.seed = seed
        w.events = events
        w.accounts = accounts ?? max(1, events / 50)
        w.contacts = contacts ?? events / 5
        w.span = max(span.seconds, 60)
        w.rules = !noRules
        w.capacity = capacity
        w.burst = burst.flatMap(Self.burst)
        w.filterShare = filterShare
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                Console.err("\(output): error: cannot create the file")
                throw Exit.badInput
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        w.generate { line in
            CanonicalJSON.write(line, to: &buffer)
            buffer += "\n"
            if buffer.utf8.count >= 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer.utf8))
        if output != nil { try handle.close() }
    }
}
