import ArgumentParser
import Dispatch
import Foundation
import SyncSimCore
import SyncSimRender
import SyncSimScenario

/// `syncsim sweep`: one run per combination of varied sync keys, as one table.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a file once per combination of sync settings and print one table of their figures.",
        usage: """
        syncsim sweep <file> --vary <key=v1,v2,...> ... [--set <set> ...]
                      [--jobs <n>] [--shard <i/n>] [--json]
        syncsim sweep --merge <table.json> ... [--json]
        """,
        discussion: """
        Each row is one variant, in the order given (the first --vary changes slowest): its \
        settings, the figures of `syncsim stats` when it has settled, and its final digest. \
        --shard I/N runs only the variants whose number modulo N is I; --merge joins the \
        shards' --json tables into the table one sweep gives.

        Exit 0, or 2 on bad input.
        """
    )

    @Argument(help: "An event log or a scenario file; with --merge, the tables to join.")
    var files: [String] = []

    @Option(help: ArgumentHelp("A sync key and its values, e.g. --vary capacity=500,2000,unlimited (repeatable).", valueName: "key=v1,v2,..."))
    var vary: [String] = []

    @Option(name: .customLong("set"), help: "Override a sync key in every variant.")
    var overrides: [String] = []

    @Option(help: "Variants run at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Run only the variants whose number modulo N is I.", valueName: "i/n"))
    var shard: String?

    @Flag(help: "Join the --json tables of a sweep's shards.")
    var merge = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let table: SweepTable
        do {
            table = merge ? try mergedTable() : try sweptTable()
        } catch {
            throw Console.fail(error)
        }
        if json {
            Console.out(CanonicalJSON.string(for: table.json))
        } else {
            StatsText.sweep(table).forEach { Console.out($0) }
        }
        Console.flush()
    }

    private func usage(_ message: String) -> LoadError {
        LoadError(file: "sweep", position: nil, message: message)
    }

    private func mergedTable() throws -> SweepTable {
        guard vary.isEmpty, overrides.isEmpty, shard == nil, jobs == nil else {
            throw usage("--merge joins tables: --vary, --set, --shard and --jobs belong to the sweeps that made them")
        }
        guard !files.isEmpty else { throw usage("--merge needs the --json tables of the shards") }
        var pieces: [SweepTable] = []
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw LoadError(file: file, position: nil, message: "cannot read the file (\(ScenarioLoader.reason(error)))")
            }
            do {
                pieces.append(try SweepTable(node: try JSONReader.parse(bytes)))
            } catch {
                throw LoadError(file: file, error)
            }
        }
        do {
            return try SweepTable.merged(pieces)
        } catch {
            throw LoadError(file: error.piece.map { files[$0] } ?? "sweep --merge", position: nil, message: error.message)
        }
    }

    private func sweptTable() throws -> SweepTable {
        guard files.count == 1, let file = files.first else {
            throw usage(files.isEmpty ? "expected a file to sweep" : "expected one file to sweep (or --merge to join tables)")
        }
        let plan = try Self.plan(vary)
        var part: SweepPlan.Shard?
        if let shard {
            guard let s = SweepPlan.Shard(shard) else {
                throw LoadError(file: "--shard \(shard)", position: nil, message: "expected I/N with N at least 1 and I from 0 to N-1")
            }
            part = s
        }
        let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        guard workers >= 1 else { throw LoadError(file: "--jobs \(workers)", position: nil, message: "expected at least 1") }
        let base = try RunSource.load(file, overrides: overrides)
        let rows = try SweepRunner(file: file, overrides: overrides, base: base, plan: plan)
            .run(plan.variants(in: part), jobs: workers)
        return SweepTable(source: file, rules: base.rules.json, plan: plan, shard: part, rows: rows)
    }

    /// The plan of `--vary` options, each value checked as `--set` checks it.
    static func plan(_ options: [String]) throws -> SweepPlan {
        guard !options.isEmpty else { throw LoadError(file: "sweep", position: nil, message: "expected at least one --vary KEY=V1,V2,...") }
        var axes: [SweepPlan.Axis] = []
        for option in options {
            let name = "--vary \(option)"
            guard let eq = option.firstIndex(of: "=") else {
                throw LoadError(file: name, position: nil, message: "expected KEY=V1,V2,... with KEY one of: \(RulesDecoder.allKeys.joined(separator: ", "))")
            }
            let key = String(option[..<eq])
            let values = SweepPlan.values(option[option.index(after: eq)...])
            if axes.contains(where: { $0.key == key }) { throw LoadError(file: name, position: nil, message: "'\(key)' is varied twice") }
            if let empty = values.firstIndex(of: "") {
                throw LoadError(file: name, position: nil, message: "value \(empty + 1) of '\(key)' is empty")
            }
            do {
                for v in values { _ = try RuleOverrides.parse(["\(key)=\(v)"]) }
            } catch {
                throw LoadError(file: name, position: nil, message: error.message)
            }
            axes.append(SweepPlan.Axis(key: key, values: values))
        }
        return SweepPlan(axes: axes)
    }
}

/// Runs a sweep's variants on `jobs` threads, each variant's rows in its place whatever the
/// order they finish in. Each thread reads the events on its own: an event log is opened
/// again for each variant (a log's connection serves one thread at a time).
final class SweepRunner: @unchecked Sendable {
    private let file: String
    private let overrides: [String]
    /// Read by every thread, changed by none.
    private let base: RunSource
    private let plan: SweepPlan
    private let lock = NSLock()
    // Guarded by `lock`.
    private var next = 0
    private var rows: [SweepTable.Row?] = []
    private var failure: Error?
    private var progress: Progress?

    init(file: String, overrides: [String], base: RunSource, plan: SweepPlan) {
        (self.file, self.overrides, self.base, self.plan) = (file, overrides, base, plan)
    }

    func run(_ variants: [Int], jobs: Int) throws -> [SweepTable.Row] {
        rows = Array(repeating: nil, count: variants.count)
        progress = Progress("sweep", total: variants.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(variants.count, 1))) { _ in
            while let slot = take(), slot < variants.count {
                do {
                    let row = try measure(variants[slot])
                    lock.withLock {
                        rows[slot] = row
                        progress?.count(rows.count { $0 != nil }, unit: "variants")
                    }
                } catch {
                    lock.withLock { if failure == nil { failure = error } }
                }
            }
        }
        progress?.finish()
        if let failure { throw failure }
        return rows.map { $0! }
    }

    /// The next variant's slot, or nil once a variant failed.
    private func take() -> Int? {
        lock.withLock {
            guard failure == nil else { return nil }
            defer { next += 1 }
            return next
        }
    }

    private func measure(_ variant: Int) throws -> SweepTable.Row {
        let options = overrides + plan.settings(of: variant).map { "\($0.key)=\($0.value)" }
        let source: RunSource
        if case .log = base.source {
            source = try RunSource.load(file, overrides: options)
        } else {
            source = base.with(rules: SyncRules(base.rules.asChange.merging(try RuleOverrides.parse(options))))
        }
        return try source.withEvents { events in
            SweepTable.Row.measure(variant: variant, keys: plan.axes.map(\.key), rules: source.rules, events: events)
        }
    }
}
