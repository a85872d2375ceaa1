import ArgumentParser
import Foundation
import SyncSimCore
import SyncSimRender
import SyncSimScenario
import SyncSimStore

/// `syncsim run`: records a scenario's events in a log, narrates the timeline, checks `expect:`.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a scenario in an event log, narrate its timeline and check its expectations.",
        discussion: "Without FILE, runs the built-in example (local-edit-overwritten). Exit 0: all expectations hold; 1: one fails; 2: bad input."
    )

    @Argument(help: "Scenario file (.yaml, .yml) or event stream (.jsonl).")
    var file: String?

    @Option(help: "Keep the event log at this path (a new file). Without it a temporary log is used.")
    var db: String?

    @Option(name: .customLong("set"), help: "Override a sync: key for this run, e.g. --set overwrite=changed.")
    var overrides: [String] = []

    @Flag(help: "Print one JSON object instead of the narration.")
    var json = false

    @Flag(help: "Pause after each instant (Enter to go on) and show a table of the contacts each cycle affected.")
    var step = false

    func run() throws {
        let loaded: LoadedScenario
        let runOutcome: Recording
        do {
            if let file {
                loaded = try ScenarioLoader.load(path: file)
            } else {
                loaded = try ScenarioLoader.load(bytes: Array(BuiltinScenario.text.utf8), file: BuiltinScenario.fileName)
            }
            // The timeline is recorded only for the narration: `--json` does not print it, and
            // `--step` plays the events again instant by instant.
            runOutcome = try Recording.record(loaded, overrides: overrides, db: db, recording: !json && !step)
        } catch {
            throw Console.fail(error)
        }
        let scenario = loaded.scenario
        let outcome = runOutcome.outcome
        let narrator = Narrator(style: json ? Style(color: false) : Console.style)
        let checked = narrator.expectations(outcome.results, file: loaded.file)
        if json {
            RunReport.write(loaded: loaded, rules: runOutcome.rules, outcome: outcome, db: db,
                            passed: checked.passed, failed: checked.failed) { Console.write($0) }
            Console.out()
        } else {
            narrator.header(scenario: scenario.id, title: scenario.title, rules: runOutcome.rules).forEach { Console.out($0) }
            Console.out()
            if step {
                Walkthrough.play(scenario.events, rules: runOutcome.rules, narrator: narrator)
            } else {
                narrator.timeline(outcome.steps).forEach { Console.out($0) }
            }
            Console.out()
            checked.lines.forEach { Console.out($0) }
            if let db { Console.out(narrator.style.dim("log: \(db) (\(TextFormat.plural(scenario.events.count, "event")))")) }
            Console.out("\(checked.passed) passed, \(checked.failed) failed")
        }
        Console.flush()
        if checked.failed > 0 { throw Exit.failed }
    }
}

/// `run --step`: the timeline instant by instant, waiting for Enter between instants.
enum Walkthrough {
    static func play(_ events: [Event], rules: SyncRules, narrator: Narrator) {
        var p = Projector(rules: rules)
        p.recording = true
        var walker = InstantWalker(events.makeIterator())
        let end = Simulation.settled(rules: rules, lastEvent: events.last?.at)
        var first = true
        while let t = walker.nextInstant(p), t <= end {
            walker.play(t, on: &p)
            let steps = p.takeSteps()
            if steps.isEmpty { continue }
            if !first { pause() }
            first = false
            for s in steps {
                narrator.timeline([s]).forEach { Console.out($0) }
                if case .cycle(let c) = s { narrator.affectedContacts(c, projector: p).forEach { Console.out($0) } }
            }
        }
    }

    /// Waits for Enter on standard input; at its end (piped, closed), goes straight on.
    static func pause() {
        Console.flush()
        FileHandle.standardError.write(Data("  -- Enter for the next instant --\n".utf8))
        _ = readLine()
    }
}

/// Records a loaded scenario in a log (kept at `db`, or temporary) and returns the run.
struct Recording {
    var rules: SyncRules
    var outcome: Simulation.Outcome

    static func record(_ loaded: LoadedScenario, overrides: [String], db: String?, recording: Bool = true) throws -> Recording {
        let scenario = loaded.scenario
        let rules = SyncRules(scenario.sync.merging(try RuleOverrides.parse(overrides)))
        let outcome = Simulation.run(rules: rules, events: scenario.events, expectations: scenario.expectations,
                                     recording: recording)
        let header = LogHeader(scenario: scenario.id, title: scenario.title, description: scenario.description,
                               sourceFile: (loaded.file as NSString).lastPathComponent, sourceDigest: loaded.fileDigest,
                               rules: rules, overrides: overrides, expectations: scenario.expectations)
        var rejections: [Int: String] = [:]
        for r in outcome.rejections { rejections[r.seq] = r.reason }
        if let db {
            try EventLog.create(at: db, header: header, events: scenario.events, rejections: rejections)
        } else {
            let dir = FileManager.default.temporaryDirectory.path
            let path = dir + "/syncsim-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max)).db"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try EventLog.create(at: path, header: header, events: scenario.events, rejections: rejections)
        }
        return Recording(rules: rules, outcome: outcome)
    }
}

/// The JSON object `run --json` prints.
enum RunReport {
    /// Writes the object to `out` in pieces: its members in key order, the final projection
    /// (hundreds of thousands of contacts for a stream of a million events) written as it is made.
    static func write(loaded: LoadedScenario, rules: SyncRules, outcome: Simulation.Outcome, db: String?,
                      passed: Int, failed: Int, to out: ([UInt8]) -> Void) {
        let expectations: [JSON] = CheckResult.grouped(outcome.results).map { e, checks in
            .object([
                "line": .int(e.position.line), "column": .int(e.position.column), "at": .int(e.at),
                "expect": e.json, "passed": .bool(checks.allSatisfy(\.passed)),
                "checks": .array(checks.map {
                    .object(["key": .string($0.check.member.0), "expected": $0.expected, "actual": $0.actual,
                             "passed": .bool($0.passed)])
                }),
            ])
        }
        var o: [String: JSON] = [
            "scenario": .string(loaded.scenario.id),
            "file": .string(loaded.file),
            "rules": rules.json,
            "events": .int(loaded.scenario.events.count),
            "expectations": .array(expectations),
            "passed": .int(passed), "failed": .int(failed),
            "log": db.map(JSON.string) ?? .null,
        ]
        if let t = loaded.scenario.title { o["title"] = .string(t) }
        let projection = "projection"
        var w = JSONWriter()
        w.byte(UInt8(ascii: "{"))
        for (i, key) in CanonicalJSON.sorted(Array(o.keys) + [projection]).enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(key)
            w.byte(UInt8(ascii: ":"))
            if key == projection {
                out(w.bytes)
                w.bytes.removeAll(keepingCapacity: true)
                ProjectionWriter(outcome.final).writeJSON(to: out)
            } else {
                w.write(o[key]!)
            }
        }
        w.byte(UInt8(ascii: "}"))
        out(w.bytes)
    }
}
