import ArgumentParser
import Foundation
import SyncSimCore
import SyncSimRender
import SyncSimScenario
import SyncSimStore

/// `syncsim diff`: compares the projections of two runs.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare what two runs show: two logs, two scenarios, two rule sets or two moments.",
        usage: "syncsim diff <a> <b> [--at <at>] [--b-at <b-at>] [--set <set> ...]\n             [--a-set <a-set> ...] [--b-set <b-set> ...] [--json]",
        discussion: """
        Each side is an event log or a scenario file (.yaml, .yml, .jsonl), which is run in \
        memory. Without --at, the whole timelines are compared up to when the later one has \
        settled: the differences then, and each interval during which the projections differed.

        Exit 0: same; 1: different; 2: bad input.
        """
    )

    @Argument(help: "Side A: an event log or a scenario file.")
    var a: String

    @Argument(help: "Side B: an event log or a scenario file.")
    var b: String

    @Option(help: "The instant to compare (seconds or a duration like 10m); also B's unless --b-at.")
    var at: TimeArgument?

    @Option(name: .customLong("b-at"), help: "B's instant, to compare two moments.")
    var bAt: TimeArgument?

    @Option(name: .customLong("set"), help: "Override a sync key on both sides.")
    var overrides: [String] = []

    @Option(name: .customLong("a-set"), help: "Override a sync key on side A only.")
    var aOverrides: [String] = []

    @Option(name: .customLong("b-set"), help: "Override a sync key on side B only, e.g. --b-set overwrite=changed.")
    var bOverrides: [String] = []

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        var report: DiffReport
        do {
            let sa = try RunSource.load(a, overrides: overrides + aOverrides)
            let sb = try RunSource.load(b, overrides: overrides + bOverrides)
            let diff: ProjectionDiff
            let atA: Seconds, atB: Seconds
            var divergence: Divergence? = nil
            var intervals: [DiffTimeline.Interval]? = nil
            if let at = at?.seconds {
                (atA, atB) = (at, bAt?.seconds ?? at)
                diff = ProjectionDiff.compare(try sa.projector(at: atA), try sb.projector(at: atB))
                if !diff.isEmpty, atA == atB {
                    divergence = try RunSource.withEvents(of: sa, sb) { ea, eb in
                        Divergence.first(a: ea, rules: sa.rules, b: eb, rules: sb.rules, through: atA)
                    }
                }
            } else {
                // Without --at, the whole timelines up to the later settled instant (format 5.4),
                // and the differences then.
                let timeline: DiffTimeline
                (diff, timeline) = try RunSource.compareTimelines(sa, sb)
                (atA, atB) = (timeline.end, bAt?.seconds ?? timeline.end)
                intervals = timeline.intervals
                // What happened at the first divergence, from a second walk to it that records
                // only that instant (the projectors of the first are gone by then).
                if let t = timeline.firstAt {
                    divergence = try RunSource.withEvents(of: sa, sb) { ea, eb in
                        Divergence.steps(at: t, a: ea, rules: sa.rules, b: eb, rules: sb.rules)
                    }
                }
            }
            report = DiffReport(a: DiffSideInfo(source: a, at: atA, rules: sa.rules),
                                b: DiffSideInfo(source: b, at: atB, rules: sb.rules),
                                diff: diff, divergence: divergence)
            report.intervals = intervals
        } catch {
            throw Console.fail(error)
        }
        if json {
            report.writeJSON { Console.write($0) }
            Console.out()
        } else {
            report.write(style: Console.style, bytes: { Console.write($0) })
        }
        Console.flush()
        keepUntilExit(report)
        if report.differs { throw Exit.failed }
    }
}

