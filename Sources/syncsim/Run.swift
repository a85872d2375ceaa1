import ArgumentParser
import Foundation
import SyncSimCore
import SyncSimImport
import SyncSimRender
import SyncSimScenario
import SyncSimStore

/// `syncsim run`: records a scenario's events in a log, narrates the timeline, checks `expect:`.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a scenario in an event log, narrate its timeline and check its expectations.",
        discussion: "Without FILE, runs the built-in example (local-edit-overwritten). Exit 0: all expectations hold; 1: one fails; 2: bad input; 74: writing the log failed (a full disk): it keeps what was committed, and the same command resumes."
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
        let input: RunInput
        let runOutcome: Recording
        let narrator = Narrator(style: json ? Style(color: false) : Console.style)
        do {
            // `--step` plays the events again after the run: it holds them.
            input = try RunInput.load(file, whole: step)
            let scenario = input.loaded.scenario
            // The narration is printed as the run makes it (a stream of a million events narrates
            // hundreds of megabytes), after its header, once the input and the log's path have
            // been accepted. `--json` prints no narration, and `--step` plays the events again
            // instant by instant: neither records the timeline.
            let narrating = !json && !step
            runOutcome = try Recording.record(input, overrides: overrides, db: db, recording: narrating, starting: { rules in
                guard !json else { return }
                narrator.header(scenario: scenario.id, title: scenario.title, rules: rules).forEach { Console.out($0) }
                Console.out()
            }, steps: narrating ? { narrator.timeline($0).forEach { Console.out($0) } } : nil)
        } catch {
            throw Console.fail(error)
        }
        let outcome = runOutcome.outcome
        let checked = narrator.expectations(outcome.results, file: input.loaded.file)
        if json {
            RunReport.write(input: input, rules: runOutcome.rules, outcome: outcome, db: db,
                            passed: checked.passed, failed: checked.failed) { Console.write($0) }
            Console.out()
        } else {
            if step { Walkthrough.play(input.loaded.scenario.events, rules: runOutcome.rules, narrator: narrator) }
            Console.out()
            checked.lines.forEach { Console.out($0) }
            if let db { Console.out(narrator.style.dim("log: \(db) (\(TextFormat.plural(input.events, "event")))")) }
            Console.out("\(checked.passed) passed, \(checked.failed) failed")
            // The figures of `syncsim stats` up to where the run ended, from the events again.
            do {
                let stats = try input.withEvents { RunStatistics.of(rules: runOutcome.rules, events: $0, through: outcome.final.now) }
                Console.out(narrator.style.dim(StatsText.summary(stats)))
            } catch {
                throw Console.fail(error)
            }
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
        var all = events.makeIterator()
        let end = Simulation.settled(rules: rules, events: &all)
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

/// What `run` runs: a scenario file loaded whole, or a JSON Lines stream checked through once,
/// then read from its file as it runs, never held whole.
struct RunInput {
    /// The scenario; a stream read as it runs holds no events here.
    var loaded: LoadedScenario
    /// The stream's path, when it is read as it runs.
    var stream: String?
    /// How many events it holds.
    var events: Int

    /// `file` (the built-in example without one); a stream is read as it runs unless `whole`.
    static func load(_ file: String?, whole: Bool) throws -> RunInput {
        guard let file else {
            let loaded = try ScenarioLoader.load(bytes: Array(BuiltinScenario.text.utf8), file: BuiltinScenario.fileName)
            return RunInput(loaded: loaded, stream: nil, events: loaded.scenario.events.count)
        }
        if !whole, (file as NSString).pathExtension.lowercased() == "jsonl" {
            // The log header's digest is read on a thread of its own while the stream is checked.
            let digest = Importer.FileDigest(of: file)
            let checked = try EventStreamReader.check(path: file)
            let scenario = Scenario(id: ScenarioLoader.streamID(for: file), sync: checked.sync)
            return RunInput(loaded: LoadedScenario(scenario: scenario, file: file, fileDigest: try digest.value()),
                            stream: file, events: checked.events)
        }
        let loaded = try ScenarioLoader.load(path: file)
        return RunInput(loaded: loaded, stream: nil, events: loaded.scenario.events.count)
    }

    /// Runs `body` with an iterator over the events.
    func withEvents<T>(_ body: (inout AnyIterator<Event>) throws -> T) throws -> T {
        if let stream { return try EventStreamReader.withEvents(in: stream, body) }
        var events = AnyIterator(loaded.scenario.events.makeIterator())
        return try body(&events)
    }
}

/// Records a run in a log (kept at `db`, or temporary) as it runs, and returns the run.
struct Recording {
    var rules: SyncRules
    var outcome: Simulation.Outcome

    /// The log is created first, so that a `--db` that exists (or a bad `--set`) fails before
    /// anything runs; then `starting` is told the rules, the run hands its timeline to `steps`
    /// as it goes (see ``Simulation/run(rules:events:expectations:recording:steps:applied:)``),
    /// and each event is appended to the log as it is applied, with the reason the rules
    /// rejected it.
    static func record(_ input: RunInput, overrides: [String], db: String?, recording: Bool = true,
                       starting: (SyncRules) -> Void = { _ in }, steps: (([Step]) -> Void)? = nil) throws -> Recording {
        let scenario = input.loaded.scenario
        let rules = SyncRules(scenario.sync.merging(try RuleOverrides.parse(overrides)))
        let header = LogHeader(scenario: scenario.id, title: scenario.title, description: scenario.description,
                               sourceFile: (input.loaded.file as NSString).lastPathComponent, sourceDigest: input.loaded.fileDigest,
                               rules: rules, overrides: overrides, expectations: scenario.expectations)
        let path = db ?? FileManager.default.temporaryDirectory.path
            + "/syncsim-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max)).db"
        defer { if db == nil { try? FileManager.default.removeItem(atPath: path) } }
        // A new log, removed if it is not finished (but kept after a full disk); or the log an
        // interrupted run of this same file left, which it goes on from.
        let (writer, stored) = FileManager.default.fileExists(atPath: path)
            ? try resuming(path, header: header, input: input)
            : (try LogWriter(path: path, header: header), 0)
        starting(rules)
        let outcome = try input.withEvents { events in
            try Simulation.run(rules: rules, events: &events, expectations: scenario.expectations, recording: recording, steps: steps) {
                event, seq, rejected throws(StoreError) in
                if seq > stored { try writer.append(event, rejected: rejected) }
            }
        }
        try writer.finish()
        return Recording(rules: rules, outcome: outcome)
    }

    /// The writer of a log that an interrupted run of the same file with the same `--set` left
    /// (a kill, a full disk), and how many events it holds: it must be intact and hold a
    /// strict prefix of the events. Any other file is left as it is.
    static func resuming(_ path: String, header: LogHeader, input: RunInput) throws -> (LogWriter, Int) {
        let lock = try LogWriter.lock(path)
        var handed = false
        defer { if !handed { flock(lock, LOCK_UN); close(lock) } }
        let log = try EventLog.open(path: path)
        let (recorded, stored) = (try log.header(), try log.eventCount())
        let refuse = "the file already exists; a log is never overwritten: choose a new path or remove it"
        guard recorded.sourceDigest == header.sourceDigest, recorded.overrides == header.overrides,
              recorded.scenario == header.scenario, stored < input.events else {
            throw StoreError.exists(path: path, reason: refuse)
        }
        guard try log.verify().intact else {
            throw StoreError.corrupt(path: path, seq: 0, reason: "the log is not intact (see `syncsim verify`); it is not resumed")
        }
        try input.withEvents { events in
            try log.withEvents(through: stored) { logged in
                var seq = 0
                while let mine = logged.next() {
                    seq += 1
                    guard let event = events.next(), event == mine else {
                        throw StoreError.corrupt(path: path, seq: seq, reason: "differs from event \(seq) of \(input.loaded.file); the log is not resumed")
                    }
                }
            }
        }
        handed = true
        return (try LogWriter(appendingTo: path, lock: lock), stored)
    }
}

/// The JSON object `run --json` prints.
enum RunReport {
    /// Writes the object to `out` in pieces: its members in key order, the final projection
    /// (hundreds of thousands of contacts for a stream of a million events) written as it is made.
    static func write(input: RunInput, rules: SyncRules, outcome: Simulation.Outcome, db: String?,
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
            "scenario": .string(input.loaded.scenario.id),
            "file": .string(input.loaded.file),
            "rules": rules.json,
            "events": .int(input.events),
            "expectations": .array(expectations),
            "passed": .int(passed), "failed": .int(failed),
            "log": db.map(JSON.string) ?? .null,
        ]
        if let t = input.loaded.scenario.title { o["title"] = .string(t) }
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
