import ArgumentParser
import SyncSimCore
import SyncSimRender

/// `syncsim stats`: the figures of a run up to an instant.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a run: events, cycles, lags, the largest queue, local edits, activities.",
        discussion: "Exit 0, or 2 on bad input."
    )

    @Argument(help: "An event log or a scenario file.")
    var source: String

    @Option(help: "Up to this instant (default: when the run has settled).")
    var at: TimeArgument?

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set capacity=50.")
    var overrides: [String] = []

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let stats: RunStatistics
        let instant: Seconds
        do {
            let run = try RunSource.load(source, overrides: overrides)
            instant = try at?.seconds ?? run.settled()
            stats = try run.withEvents { RunStatistics.of(rules: run.rules, events: $0, through: instant) }
        } catch {
            throw Console.fail(error)
        }
        if json {
            Console.out(CanonicalJSON.string(for: stats.json))
        } else {
            Self.lines(stats, source: source, at: instant).forEach { Console.out($0) }
        }
        Console.flush()
    }

    /// The figures as aligned text.
    static func lines(_ s: RunStatistics, source: String, at: Seconds) -> [String] {
        func byType(_ counts: [String: Int]) -> String {
            let total = counts.values.reduce(0, +)
            let parts = counts.keys.sorted().map { "\($0) \(counts[$0]!)" }
            return "\(total)" + (parts.isEmpty ? "" : "  (" + parts.joined(separator: ", ") + ")")
        }
        let lag = s.lag
        let rows: [(String, String)] = [
            ("events", byType(s.events)),
            ("rejected", byType(s.rejected)),
            ("cycles", "\(s.cycles), \(s.fullCycles) full (left records waiting)"),
            ("carried", "\(s.carried) Dynamics events"),
            ("lag", "median \(TextFormat.time(lag.median)), p95 \(TextFormat.time(lag.p95)), max \(TextFormat.time(lag.max))"),
            ("largest queue", "\(s.largestQueue) records" + (s.largestQueueAt.map { " at \(TextFormat.time($0))" } ?? "")),
            ("local edits", "\(s.editsMade) made, \(s.editsLost) lost to a cycle, \(s.editsShown) still shown"),
            ("activities", "\(s.activities[.dynamics] ?? 0) dynamics, \(s.activities[.marketo] ?? 0) marketo"),
            ("no activity (R9)", "\(s.r9Suppressed) field changes"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return ["\(source) up to \(TextFormat.time(at))"] + rows.map { "  " + TextFormat.pad($0.0, width) + "  " + $0.1 }
    }
}
