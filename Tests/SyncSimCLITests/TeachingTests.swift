import Foundation
import Testing

@Suite struct TeachingTests {
    @Test func explainTellsTheWholeHistory() throws {
        let r = try Binary.run(["explain", "Scenarios/local-edit-overwritten.yaml", "--contact", "bob"], in: Binary.root)
        #expect(r.status == 0)
        let out = r.stdout
        #expect(out.contains("bob appears in Marketo, linked to acme (#3, Dynamics create)"))
        #expect(out.contains("inherited from acme when linked"))
        #expect(out.contains("Marketo edit #4 made on alice; Dynamics never sees it (R2, R3)"))
        #expect(out.contains("overwrite: all rewrites every synced field"))
        #expect(out.contains("local edit #4 (6m, on alice: \"Finance\") lost (R4)"))
        #expect(out.contains("now: bob shows {industry: \"Retail\", name: \"Acme\", website: \"acme.example\"} from acme; 3 activities (2 dynamics, 1 marketo)"))
        let one = try Binary.run(["explain", "Scenarios/local-edit-overwritten.yaml", "--contact", "bob", "--field", "website", "--at", "6m"], in: Binary.root)
        #expect(!one.stdout.contains("website:"), "the website arrives at 10m")
        #expect(!one.stdout.contains("industry:"))
    }

    @Test func explainSaysWhyNoActivityWasLogged() throws {
        let limit = try Binary.run(["explain", "Scenarios/r9-activity-limit.yaml", "--contact", "g1", "--json"], in: Binary.root)
        #expect(limit.status == 0)
        #expect(limit.stdout.contains("more than the activity limit 2 (R9)"))
        let unreadable = try Binary.run(["explain", "Scenarios/r7-unreadable-fields.yaml", "--contact", "alice", "--field", "creditLimit"], in: Binary.root)
        #expect(unreadable.stdout.contains("the Dynamics sync user cannot read it (R7)"))
        let unselected = try Binary.run(["explain", "Scenarios/r6-selected-fields.yaml", "--contact", "alice"], in: Binary.root)
        #expect(unselected.stdout.contains("it is not among the fields selected for sync (R6)"))
    }

    @Test func showWhyGivesTheCauseOfEachValue() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", Binary.root + "/Scenarios/local-edit-overwritten.yaml", "--db", "r.db"], in: dir).status == 0)
        let r = try Binary.run(["show", "r.db", "--at", "10m", "--why"], in: dir)
        #expect(r.stdout.contains("website = \"acme.example\" since 10m: sync cycle 2 at 10m, carrying Dynamics update #5 at 7m"))
        #expect(r.stdout.contains("local edit #4 (6m, on alice: \"Finance\") lost (R4)"))
        let j = try Binary.run(["show", "r.db", "--at", "6m", "--why", "--json"], in: dir)
        #expect(j.stdout.contains(#""why":{"acme":{"industry":{"activity":"1 marketo activity on each of the account's 2 contacts (R8)","at":360,"cause":"Marketo edit #4 made on alice"#))
    }

    @Test func stepPausesBetweenInstantsAndTabulatesContacts() throws {
        let dir = Binary.tempDir()
        let input = try Binary.write("\n\n\n\n\n\n", to: "enter.txt", in: dir)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["run", "--step"]
        p.standardInput = FileHandle(forReadingAtPath: input)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(stderr.components(separatedBy: "Enter for the next instant").count - 1 == 4, "five instants, four pauses")
        #expect(stdout.contains("contact  account  shows"))
        #expect(stdout.contains("alice    acme     industry=\"Retail\" website=\"acme.example\"  2/1"))
        #expect(!stdout.contains("\u{1B}["), "no colours when piped")
    }

    @Test func coloursOnATerminalUnlessNoColor() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("script(1) is needed to give syncsim a terminal")
            return
        }
        func underTTY(_ env: [String: String]) throws -> String {
            try Binary.run(["-qec", "\(Binary.path) run", "/dev/null"], environment: env, executable: "/usr/bin/script").stdout
        }
        #expect(try underTTY(["TERM": "xterm"]).contains("\u{1B}[32mPASS"))
        #expect(!(try underTTY(["TERM": "xterm", "NO_COLOR": "1"]).contains("\u{1B}[")))
    }
}
