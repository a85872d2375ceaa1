import Foundation
import Testing

@Suite struct DiffCommandTests {
    @Test func identicalRunsExitZero() throws {
        let r = try Binary.run(["diff", "Scenarios/r8-change-data-value.yaml", "Scenarios/r8-change-data-value.yaml"], in: Binary.root)
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("\nno differences\n"))
    }

    @Test func theTeachingPair() throws {
        let r = try Binary.run(["diff", "Scenarios/overwrite-all.yaml", "Scenarios/overwrite-changed.yaml"], in: Binary.root)
        #expect(r.status == 1)
        #expect(r.stdout.contains("A  Scenarios/overwrite-all.yaml at 10m  (overwrite \"all\")"))
        #expect(r.stdout.contains("  industry               A \"Retail\"  B \"Finance\""))
        #expect(r.stdout.contains("  activities (dynamics)  A 2         B 1"))
        #expect(r.stdout.contains("first divergence at 10m"))
        #expect(r.stdout.contains("local edit lost: #4 at 6m on alice"))
        #expect(r.stdout.hasSuffix("2 contacts, 2 fields, 2 activity counts, 1 account differ; the projections differed during 1 interval\n"))
        let oneFile = try Binary.run(["diff", "Scenarios/overwrite-all.yaml", "Scenarios/overwrite-all.yaml", "--b-set", "overwrite=changed"], in: Binary.root)
        #expect(oneFile.status == 1)
        #expect(oneFile.stdout.hasSuffix("2 contacts, 2 fields, 2 activity counts, 1 account differ; the projections differed during 1 interval\n"))
    }

    /// The companion of the teaching pair: the same end, different timelines (format 5.4).
    @Test func timelinesThatDifferOnlyOnTheWay() throws {
        let args = ["diff", "Scenarios/overwrite-timeline.yaml", "Scenarios/overwrite-timeline.yaml", "--b-set", "overwrite=changed"]
        let r = try Binary.run(args, in: Binary.root)
        #expect(r.status == 1)
        #expect(r.stdout.contains("  from 10m to 20m: 1 contact, 1 account"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("no differences when settled; the projections differed during 1 interval\n"))
        let json = try Binary.run(args + ["--json"], in: Binary.root)
        #expect(json.stdout.contains(#""intervals":[{"accounts":1,"contacts":1,"from":600,"to":1200}]"#), "\(json.stdout)")
        #expect(json.stdout.contains(#""same":false"#))
        // With --at, one instant only, as before.
        #expect(try Binary.run(args + ["--at", "20m"], in: Binary.root).status == 0)
    }

    /// Version 2: stale companies and the sync queue are part of what is compared.
    @Test func staleCompaniesAndTheQueueDiffer() throws {
        let stale = try Binary.run(["diff", "Scenarios/r11-sync-filter.yaml", "Scenarios/r11-sync-filter.yaml",
                                    "--b-set", "filter=none", "--at", "10m", "--json"], in: Binary.root)
        #expect(stale.status == 1)
        #expect(stale.stdout.contains(#""stale":{"a":true,"b":false}"#), "\(stale.stdout)")
        let text = try Binary.run(["diff", "Scenarios/r11-sync-filter.yaml", "Scenarios/r11-sync-filter.yaml",
                                   "--b-set", "filter=none", "--at", "10m"], in: Binary.root)
        #expect(text.stdout.contains("stale"), "\(text.stdout)")
        let queue = try Binary.run(["diff", "Scenarios/r10-capacity.yaml", "Scenarios/r10-capacity.yaml",
                                    "--b-set", "capacity=unlimited", "--at", "5m", "--json"], in: Binary.root)
        #expect(queue.status == 1)
        #expect(queue.stdout.contains(#""queue":{"a":{"oldest":0,"records":3},"b":{"oldest":null,"records":0}}"#), "\(queue.stdout)")
        let queueText = try Binary.run(["diff", "Scenarios/r10-capacity.yaml", "Scenarios/r10-capacity.yaml",
                                        "--b-set", "capacity=unlimited", "--at", "5m"], in: Binary.root)
        #expect(queueText.stdout.contains("sync queue  A 3 pending records, the oldest since 0s  B 0 pending records"), "\(queueText.stdout)")
        #expect(queueText.stdout.contains("first divergence at 5m"), "\(queueText.stdout)")
    }

    @Test func jsonIsStableAcrossProcesses() throws {
        let args = ["diff", "Scenarios/overwrite-all.yaml", "Scenarios/overwrite-changed.yaml", "--json"]
        let first = try Binary.run(args, in: Binary.root)
        let second = try Binary.run(args, in: Binary.root)
        #expect(first.status == 1)
        #expect(first.stdout == second.stdout)
        let o = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(o?["same"] as? Bool == false)
        #expect((o?["divergence"] as? [String: Any])?["at"] as? Int == 600)
    }

    @Test func aLogAgainstItsScenarioAndTwoMoments() throws {
        let dir = Binary.tempDir()
        let yaml = Binary.root + "/Scenarios/local-edit-overwritten.yaml"
        #expect(try Binary.run(["run", yaml, "--db", "r.db"], in: dir).status == 0)
        #expect(try Binary.run(["diff", "r.db", yaml], in: dir).status == 0)
        let moments = try Binary.run(["diff", "r.db", "r.db", "--at", "6m", "--b-at", "10m"], in: dir)
        #expect(moments.status == 1)
        #expect(moments.stdout.contains("A  r.db at 6m"))
        #expect(moments.stdout.contains("B  r.db at 10m"))
        #expect(!moments.stdout.contains("first divergence"))
        #expect(try Binary.run(["diff", "r.db", "r.db", "--at", "10m", "--b-at", "10m"], in: dir).status == 0)
    }

    /// A JSON Lines side is read from its file as it is folded, not held: it diffs as its own log
    /// does (against itself under other rules, and against the log), and a bad line is named.
    @Test func aStreamDiffsAsItsLog() throws {
        let dir = Binary.tempDir()
        let file = try LogCommandTests.stream(seed: 13, events: 1500, in: dir)
        #expect(try Binary.run(["import", file, "--db", "s.db"], in: dir).status == 0)
        #expect(try Binary.run(["diff", file, "s.db"], in: dir).status == 0)
        let streams = try Binary.run(["diff", file, file, "--b-set", "overwrite=changed", "--json"], in: dir)
        let logs = try Binary.run(["diff", "s.db", "s.db", "--b-set", "overwrite=changed", "--json"], in: dir)
        #expect(streams.status == logs.status)
        let sources = { (s: String) in s.replacingOccurrences(of: file, with: "SIDE").replacingOccurrences(of: "s.db", with: "SIDE") }
        #expect(sources(streams.stdout) == sources(logs.stdout))
        #expect(streams.stdout.contains(#""summary":{"#))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try Binary.write(text + "{\"at\": 1, \"type\": \"nope\"}\n", to: "bad.jsonl", in: dir)
        let bad = try Binary.run(["diff", "bad.jsonl", "s.db"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("bad.jsonl:1502:"), "\(bad.stderr)")
    }

    @Test func badInputExitsTwo() throws {
        let dir = Binary.tempDir()
        try Binary.write("scenario: x\nevents:\n  - {at: 1m, type: nope}\n", to: "bad.yaml", in: dir)
        let r = try Binary.run(["diff", "bad.yaml", Binary.root + "/Scenarios/r2-one-way.yaml"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("bad.yaml:3:20: error: unknown event type 'nope'"), "\(r.stderr)")
        #expect(try Binary.run(["diff", "missing.db", "bad.yaml"], in: dir).status == 2)
    }
}
