import Foundation
import Testing

@Suite struct RunCommandTests {
    static let scenarios: [String] = {
        let dir = Binary.root + "/Scenarios"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".jsonl") }.sorted()
    }()

    @Test func thereAreScenarios() {
        #expect(Self.scenarios.count >= 12)
    }

    @Test(arguments: scenarios)
    func everyScenarioPasses(name: String) throws {
        let r = try Binary.run(["run", "Scenarios/" + name], in: Binary.root)
        #expect(r.status == 0, "\(name): \(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(" 0 failed") || r.stdout.hasSuffix("0 failed\n"))
        #expect(r.stderr.isEmpty)
    }

    @Test func builtinScenarioIsTheShippedFile() throws {
        let r = try Binary.run(["run"])
        #expect(r.status == 0)
        let narration = r.stdout
        #expect(narration.contains("local edit lost: #4 at 6m on alice"))
        #expect(narration.hasSuffix("""
        3 passed, 0 failed
        summary: 5 events (0 rejected); 2 cycles (0 full); lag median 5m, max 5m; largest queue 3; \
        local edits 1 made, 1 lost, 0 shown; activities 4 dynamics, 2 marketo

        """))
        let file = try Binary.run(["run", "local-edit-overwritten.yaml"], in: Binary.root + "/Scenarios")
        #expect(file.stdout == narration)
    }

    @Test func aFailingExpectationExitsOneWithExpectedAndActual() throws {
        let dir = Binary.tempDir()
        try Binary.write("""
        scenario: wrong
        events:
          - {at: 0s, type: dynamics.account.create, account: acme, fields: {industry: Retail}}
          - {at: 0s, type: dynamics.contact.create, contact: bob, account: acme}
          - {at: 6m, type: marketo.account.edit, contact: bob, fields: {industry: Finance}}
          - {at: 7m, type: dynamics.account.update, account: acme, fields: {website: x}}
        expect:
          - {at: 6m, contact: bob, fields: {industry: Finance}}
          - {at: 10m, contact: bob, fields: {industry: Finance}}
        """, to: "wrong.yaml", in: dir)
        let r = try Binary.run(["run", "wrong.yaml"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL  wrong.yaml:9"))
        #expect(r.stdout.contains(#"expected {"industry":"Finance"}, actual {"industry":"Retail"}"#))
        // The summary counts the edit lost at 10m and the activities of the two cycles.
        #expect(r.stdout.hasSuffix("""
        1 passed, 1 failed
        summary: 4 events (0 rejected); 2 cycles (0 full); lag median 5m, max 5m; largest queue 2; \
        local edits 1 made, 1 lost, 0 shown; activities 2 dynamics, 1 marketo

        """))
    }

    @Test func badInputExitsTwoAndWritesNoLog() throws {
        let dir = Binary.tempDir()
        try Binary.write("""
        scenario: bad
        events:
          - {at: 0s, type: dynamics.account.create, account: acme, fields: {industry: Retail}}
          - {at: 1m, type: dynamics.account.update, account: acme, fields: {industry: [Retail]}}
        """, to: "bad.yaml", in: dir)
        let r = try Binary.run(["run", "bad.yaml", "--db", "out.db"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("bad.yaml:4:79: error: expected a field value"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["bad.yaml"])
    }

    /// Version 2's keys with bad values, in a stream's first line, a `sync.configure` line and
    /// `--set`: exit 2, the place named, nothing written.
    @Test func badVersion2KeysExitTwoAndWriteNothing() throws {
        let dir = Binary.tempDir()
        for (line, place, words) in [(#"{"type":"sync.configure","capacity":1.0}"#, "s.jsonl:1:37:", "found 1.0"),
                                     (#"{"type":"sync.configure","capacity":"lots"}"#, "s.jsonl:1:37:", "found 'lots'"),
                                     (#"{"type":"sync.configure","queueOrder":"sideways"}"#, "s.jsonl:1:39:", "queueOrder"),
                                     (#"{"type":"sync.configure","filter":"new synctomkto"}"#, "s.jsonl:1:35:", "invalid field name")] {
            try Binary.write(line + "\n" + #"{"at":0,"type":"dynamics.account.create","account":"acme","fields":{}}"# + "\n", to: "s.jsonl", in: dir)
            for args in [["run", "s.jsonl", "--db", "out.db"], ["import", "s.jsonl", "--db", "out.db"]] {
                let r = try Binary.run(args, in: dir)
                #expect(r.status == 2, "\(args) \(line)")
                #expect(r.stderr.hasPrefix(place) && r.stderr.contains(words), "\(r.stderr)")
                #expect(r.stdout.isEmpty)
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["s.jsonl"])
            }
        }
        for bad in ["capacity=0", "capacity=-1", "capacity=1.5", "queueOrder=sideways", "filter=1x"] {
            let r = try Binary.run(["run", "--set", bad, "--db", "out.db"], in: dir)
            #expect(r.status == 2 && r.stderr.contains("error"), "--set \(bad): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["s.jsonl"])
    }

    /// `stats` of the mass-update story: the figures the scenario's narration tells.
    @Test func statsOfTheMassUpdate() throws {
        let r = try Binary.run(["stats", "Scenarios/mass-update-backlog.yaml", "--json"], in: Binary.root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == #"{"activities":{"dynamics":6,"marketo":3},"carried":403,"cycles":9,"edits":{"lost":3,"made":3,"shown":0},"events":{"dynamics.account.create":200,"dynamics.account.update":200,"dynamics.contact.create":3,"marketo.account.edit":3},"fullCycles":7,"lag":{"max":1500,"median":720,"p95":1200},"largestQueue":{"at":0,"records":203},"r9Suppressed":0,"rejected":{}}"# + "\n", "\(r.stdout)")
        let at40 = try Binary.run(["stats", "Scenarios/mass-update-backlog.yaml", "--at", "40m"], in: Binary.root)
        #expect(at40.stdout.contains("local edits       3 made, 2 lost to a cycle, 1 still shown"), "\(at40.stdout)")
        #expect(try Binary.run(["stats", "Scenarios/nothing.yaml"], in: Binary.root).status == 2)
    }

    /// A JSON Lines stream is checked through before anything runs, then read from its file as
    /// it runs: a bad line still prints nothing and leaves no log, and a good stream records the
    /// log that running it whole did (the same rows, head hash and narration).
    @Test func aStreamIsCheckedWholeThenRunAsItIsRead() throws {
        let dir = Binary.tempDir()
        let file = try LogCommandTests.stream(seed: 17, events: 800, in: dir)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try Binary.write(text + "{\"at\": 1, \"type\": \"dynamics.account.create\", \"account\": \"late\"}\n", to: "bad.jsonl", in: dir)
        let bad = try Binary.run(["run", "bad.jsonl", "--db", "bad.db"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("bad.jsonl:802:"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.db"))
        let streamed = try Binary.run(["run", file, "--db", "streamed.db"], in: dir)
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(streamed.stdout.contains("(800 events)"))
        // `--step` holds the stream (it plays it again): its log and narration are the reference.
        let whole = try Binary.run(["run", file, "--db", "whole.db", "--step"], in: dir)
        #expect(whole.status == 0, "\(whole.stderr)")
        let heads = try ["streamed.db", "whole.db"].map { try Binary.run(["verify", $0], in: dir).stdout.components(separatedBy: " head ").last ?? "" }
        #expect(heads[0] == heads[1] && heads[0].hasPrefix("sha256:"), "\(heads)")
    }

    @Test func anExistingLogIsLeftExactlyAsItWas() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", "--db", "run.db"], in: dir).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/run.db"))
        try Binary.write("scenario: x\nevents: [{at: 0s, type: nope}]\n", to: "bad.yaml", in: dir)
        #expect(try Binary.run(["run", "bad.yaml", "--db", "run.db"], in: dir).status == 2)
        let again = try Binary.run(["run", "--db", "run.db"], in: dir)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        // The narration is printed as the run goes, but only once the log's path is accepted.
        #expect(again.stdout.isEmpty, "\(again.stdout)")
        let badSet = try Binary.run(["run", "--db", "other.db", "--set", "nonsense=1"], in: dir)
        #expect(badSet.status == 2 && badSet.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/other.db"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/run.db")) == before)
        #expect(try Binary.run(["verify", "run.db"], in: dir).status == 0)
    }

    @Test func setOverridesARuleAndTheLogRecordsIt() throws {
        let dir = Binary.tempDir()
        let r = try Binary.run(["run", Binary.root + "/Scenarios/overwrite-all.yaml", "--set", "overwrite=changed", "--db", "w.db"], in: dir)
        #expect(r.status == 1, "with overwrite=changed the industry edit survives, so the file's expectation fails")
        let show = try Binary.run(["show", "w.db", "--at", "10m", "--json"], in: dir)
        #expect(show.stdout.contains(#""bob":{"account":"acme","activities":2,"activitiesBySource":{"dynamics":1,"marketo":1},"fields":{"industry":"Finance""#), "\(show.stdout)")
        #expect(try Binary.run(["run", "--set", "overwrite=sometimes"]).status == 2)
    }

    @Test func runJSONIsOneSortedObject() throws {
        let r = try Binary.run(["run", "--json"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix(#"{"events":5,"expectations":[{"#))
        #expect(r.stdout.contains(#""failed":0"#))
        #expect(r.stdout.contains(#""passed":3"#))
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["scenario"] as? String == "local-edit-overwritten")
    }

    @Test func usageErrorsAreBadInput() throws {
        #expect(try Binary.run(["frobnicate"]).status == 2)
        #expect(try Binary.run(["show"]).status == 2)
        #expect(try Binary.run(["show", "x.db", "--at", "soon"]).status == 2)
        #expect(try Binary.run(["run", "/no/such/file.yaml"]).stderr.contains("/no/such/file.yaml: error: cannot read the file"))
        #expect(try Binary.run(["--help"]).status == 0)
    }
}
