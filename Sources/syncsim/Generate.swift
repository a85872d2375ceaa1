import ArgumentParser
import Foundation
import SyncSimCore

/// `syncsim generate`: writes a seeded, realistic JSON Lines workload.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded JSON Lines workload: a simulated day of a Marketo instance.",
        usage: "syncsim generate [--seed <seed>] [--events <n>] [--accounts <n>]\n                 [--contacts <n>] [--span <t>] [--no-rules] [-o <file>]",
        discussion: """
        Accounts get Zipf-distributed contact counts (the largest above 5,000 at the default sizes \
        of a million events), then Dynamics updates, Marketo edits, moves, deletes, rejected \
        creates and rule changes spread over the span. The same options give the same bytes.
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
