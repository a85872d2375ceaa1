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
            // Without --at, the walk goes on until the run has settled.
            (stats, instant) = try run.withEvents {
                let measured = RunStatistics.measure(rules: run.rules, events: $0, through: at?.seconds)
                return (measured.statistics, measured.at)
            }
        } catch {
            throw Console.fail(error)
        }
        if json {
            Console.out(CanonicalJSON.string(for: stats.json))
        } else {
            StatsText.lines(stats, source: source, at: instant).forEach { Console.out($0) }
        }
        Console.flush()
    }
}
