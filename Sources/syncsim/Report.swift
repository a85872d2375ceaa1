import ArgumentParser
import Foundation
import SyncSimCore
import SyncSimRender

/// `syncsim report`: a self-contained HTML report of a run.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report of a run: timeline, slider, both sides per account, expectations.",
        discussion: "Exit 0, or 2 on bad input. The file has no external resources; open it in any browser."
    )

    @Argument(help: "An event log or a scenario file.")
    var source: String

    @Option(name: [.short, .customLong("output")], help: "The HTML file to write.")
    var output: String

    @Option(help: "Up to this instant (default: when the run has settled and every expectation is checked).")
    var at: TimeArgument?

    @Option(name: .customLong("set"), help: "Override a sync key, e.g. --set overwrite=changed.")
    var overrides: [String] = []

    func run() throws {
        do {
            let run = try RunSource.load(source, overrides: overrides)
            let end = try at?.seconds ?? max(run.settled(), run.expectations.map(\.at).max() ?? 0)
            let title = run.title.map { "\(run.name): \($0)" } ?? run.name
            let data = try run.withEvents {
                ReportData.build(title: title, rules: run.rules, events: $0, through: end, expectations: run.expectations)
            }
            let html = HTMLReport.page(data: data, title: title)
            guard FileManager.default.createFile(atPath: output, contents: Data(html.utf8)) else {
                throw ValidationError("\(output): cannot write the file")
            }
        } catch let e as ValidationError {
            Console.err("error: \(e.message)")
            throw Exit.badInput
        } catch {
            throw Console.fail(error)
        }
        Console.out("wrote \(output)")
        Console.flush()
    }
}
