import ArgumentParser
import Foundation
import SyncSimCore
import SyncSimRender

/// `syncsim report`: a self-contained HTML report of a run, its swimlane as SVG, or a page
/// comparing two runs.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report of a run (swimlane, slider, both sides per account, expectations), its swimlane as SVG, or a diff page of two runs.",
        usage: "syncsim report <run> [-o <report.html>] [--svg <lanes.svg>] [--at <at>]\n"
            + String(repeating: " ", count: 15) + "[--set <set> ...]\n"
            + "syncsim report <a> <b> -o <diff.html> [--a-set <a-set> ...]\n"
            + String(repeating: " ", count: 15) + "[--b-set <b-set> ...]",
        discussion: """
        With two runs, the page shows both swimlanes on one time axis with the intervals during \
        which the projections differed shaded, and the differing values of each interval. \
        Exit 0, or 2 on bad input. The files have no external resources; open them in any browser.
        """
    )

    @Argument(help: "An event log or a scenario file; two for a diff page.")
    var sources: [String]

    @Option(name: [.short, .customLong("output")], help: "The HTML file to write.")
    var output: String?

    @Option(help: "Write the swimlane alone to this SVG file (1280×720, for slides).")
    var svg: String?

    @Option(help: "Up to this instant (default: when the run has settled and every expectation is checked).")
    var at: TimeArgument?

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set overwrite=changed.")
    var overrides: [String] = []

    @Option(name: .customLong("a-set"), help: "Diff page: override a sync key on side A only.")
    var aOverrides: [String] = []

    @Option(name: .customLong("b-set"), help: "Diff page: override a sync key on side B only.")
    var bOverrides: [String] = []

    func validate() throws {
        guard (1...2).contains(sources.count) else { throw ValidationError("expected one run, or two for a diff page") }
        guard output != nil || svg != nil else { throw ValidationError("expected -o FILE.html, --svg FILE.svg, or both") }
        if sources.count == 2, svg != nil || at != nil { throw ValidationError("--svg and --at are for the report of one run") }
        if sources.count == 1, !(aOverrides.isEmpty && bOverrides.isEmpty) { throw ValidationError("--a-set and --b-set are for a diff page of two runs") }
    }

    func run() throws {
        var written: [String] = []
        do {
            if sources.count == 2 {
                try write(try diffPage(), to: output!)
                written.append(output!)
            } else {
                let run = try RunSource.load(sources[0], overrides: overrides)
                let end = try at?.seconds ?? max(run.settled(), run.expectations.map(\.at).max() ?? 0)
                let title = run.title.map { "\(run.name): \($0)" } ?? run.name
                if let output {
                    let (data, lanes) = try run.withEvents {
                        ReportData.build(title: title, rules: run.rules, events: $0, through: end, expectations: run.expectations)
                    }
                    var picture = SwimlaneSVG(lanes)
                    picture.interactive = true
                    try write(HTMLReport.page(data: data, title: title, swimlane: picture.render()), to: output)
                    written.append(output)
                }
                if let svg {
                    // The whole run, whatever the report's limit on its frames.
                    let lanes = try run.withEvents { Swimlane.of(title: title, rules: run.rules, events: $0, through: end) }
                    try write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + SwimlaneSVG(lanes).render(standalone: true), to: svg)
                    written.append(svg)
                }
            }
        } catch let e as ValidationError {
            Console.err("error: \(e.message)")
            throw Exit.badInput
        } catch {
            throw Console.fail(error)
        }
        for file in written { Console.out("wrote \(file)") }
        Console.flush()
    }

    private func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw ValidationError("\(path): cannot write the file")
        }
    }

    /// Both runs' swimlanes on one axis, the whole-timeline diff's intervals shaded, and the
    /// values that differed at the start of each interval.
    private func diffPage() throws -> String {
        let sides = try [(sources[0], aOverrides), (sources[1], bOverrides)].map { try RunSource.load($0.0, overrides: overrides + $0.1) }
        let (sa, sb) = (sides[0], sides[1])
        let (diff, timeline) = try RunSource.compareTimelines(sa, sb)
        let end = timeline.end
        var report = DiffReport(a: DiffSideInfo(source: sources[0], at: end, rules: sa.rules),
                                b: DiffSideInfo(source: sources[1], at: end, rules: sb.rules),
                                diff: diff, divergence: nil)
        report.intervals = timeline.intervals
        var pictures: [String] = []
        let (ra, rb) = report.ruleDifferences()
        for (name, (side, run)) in zip(["A", "B"], zip(sources, sides)) {
            let title = "\(name): \(side)" + (name == "A" ? ra : rb)
            let lanes = try run.withEvents { Swimlane.of(title: title, rules: run.rules, events: $0, through: end) }
            var picture = SwimlaneSVG(lanes, axisEnd: end)
            picture.idPrefix = "lanes-" + name.lowercased()
            picture.shaded = timeline.intervals.map { ($0.from, $0.to) }
            pictures.append(picture.render())
        }
        // The values at the start of each interval (the first 50 intervals).
        let differences = try timeline.intervals.prefix(50).map { interval in
            var at = report
            at.diff = ProjectionDiff.compare(try sa.projector(at: interval.from), try sb.projector(at: interval.from))
            at.intervals = nil
            return (interval, at)
        }
        return DiffPage.page(report: report, pictures: pictures, intervals: differences)
    }
}
