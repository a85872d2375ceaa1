import Foundation
import Testing

/// Crashes, concurrent writers, tampering and foreign files, on the built binary.
@Suite struct ReliabilityTests {
    func sqlite(_ db: String, _ sql: String) throws -> String {
        try Binary.run([db, sql], executable: "/usr/bin/sqlite3").stdout
    }

    func events(_ verifyOutput: String) -> Int? {
        guard let r = verifyOutput.range(of: "intact, ") else { return nil }
        return Int(verifyOutput[r.upperBound...].prefix { $0.isNumber })
    }

    @Test func aKilledImportLeavesWholeBatchesAndResumes() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "100000", "--seed", "3", "-o", "big.jsonl"], in: dir).status == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["import", "big.jsonl", "--db", "big.db"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Kill it once a few batches are committed (64 KiB pages: the empty log is already half a megabyte).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let wal = (try? FileManager.default.attributesOfItem(atPath: dir + "/big.db-wal")[.size] as? Int) ?? 0
            let db = (try? FileManager.default.attributesOfItem(atPath: dir + "/big.db")[.size] as? Int) ?? 0
            if wal + db > 5_000_000 { break }
            usleep(10_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the import was killed before it finished")
        let verified = try Binary.run(["verify", "big.db"], in: dir)
        #expect(verified.status == 0, "\(verified.stderr)")
        let held = try #require(events(verified.stdout))
        #expect(held > 0 && held < 100_000)
        #expect(held % 10_000 == 0, "a whole number of committed batches: \(held)")
        let resumed = try Binary.run(["import", "big.jsonl", "--db", "big.db"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed: big.db held \(held) of 100000 events"))
        #expect(events(try Binary.run(["verify", "big.db"], in: dir).stdout) == 100_000)
        #expect(try Binary.run(["import", "big.jsonl", "--db", "fresh.db"], in: dir).status == 0)
        let a = try Binary.run(["show", "big.db", "--at", "20h", "--json"], in: dir).stdout
        let b = try Binary.run(["show", "fresh.db", "--at", "20h", "--json"], in: dir).stdout
        #expect(a == b, "the resumed log projects exactly like an uninterrupted one")
        let again = try Binary.run(["import", "big.jsonl", "--db", "big.db"], in: dir)
        #expect(again.stdout.contains("already holds all 100000 events"))
        #expect(try sqlite(dir + "/big.db", "SELECT count(*) FROM events") == "100001\n")
        // The index goes on where it stopped too: its pieces cover every event once, as a fresh import's do.
        let pieces = "SELECT min(first), max(last), sum(last - first + 1) FROM event_index"
        #expect(try sqlite(dir + "/big.db", pieces) == "1|100000|100000\n")
        #expect(try sqlite(dir + "/big.db", "SELECT hex(piece) FROM event_index ORDER BY first")
                == sqlite(dir + "/fresh.db", "SELECT hex(piece) FROM event_index ORDER BY first"))
    }

    @Test func twoImportsOfOneLogAtOnce() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "40000", "--seed", "4", "-o", "s.jsonl"], in: dir).status == 0)
        var procs: [Process] = []
        for _ in 0..<2 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path)
            p.arguments = ["import", "s.jsonl", "--db", "s.db"]
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            p.standardOutput = FileHandle.nullDevice
            procs.append(p)
        }
        for p in procs { try p.run() }
        for p in procs { p.waitUntilExit() }
        #expect(procs.allSatisfy { $0.terminationStatus == 0 })
        let v = try Binary.run(["verify", "s.db"], in: dir)
        #expect(v.status == 0)
        #expect(events(v.stdout) == 40_000, "no event lost or written twice")
        #expect(try sqlite(dir + "/s.db", "SELECT max(seq) - min(seq) + 1 = count(*) FROM events") == "1\n", "no gaps")
    }

    @Test func aWriterThatWaitsTooLongGetsAClearError() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "100", "-o", "s.jsonl"], in: dir).status == 0)
        #expect(try Binary.run(["import", "s.jsonl", "--db", "s.db"], in: dir).status == 0)
        let fd = open(dir + "/s.db", O_RDWR)
        #expect(flock(fd, LOCK_EX) == 0)
        defer { flock(fd, LOCK_UN); close(fd) }
        let r = try Binary.run(["import", "s.jsonl", "--db", "s.db"], in: dir, environment: ["SYNCSIM_LOCK_TIMEOUT": "1"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("another syncsim process is writing this log; gave up after waiting 1s"), "\(r.stderr)")
        #expect(!r.stderr.contains("database is locked"))
    }

    @Test func verifyNamesTheFirstBadRowAfterShellTampering() throws {
        let dir = Binary.tempDir()
        let unguard = "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete; "
        for (name, sql, seq) in [("payload", "UPDATE events SET payload = replace(payload, 'alice', 'carol') WHERE seq = 2;", 2),
                                 ("deleted", "DELETE FROM events WHERE seq = 3;", 3),
                                 ("reordered", "UPDATE events SET seq = -1 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = -1;", 2)] {
            #expect(try Binary.run(["run", "--db", "\(name).db"], in: dir).status == 0)
            _ = try sqlite(dir + "/\(name).db", unguard + sql)
            let r = try Binary.run(["verify", "\(name).db"], in: dir)
            #expect(r.status == 1, "\(name)")
            #expect(r.stderr.contains("event #\(seq):"), "\(name): \(r.stderr)")
        }
        // Without the guards but otherwise untouched, the log is still reported.
        for trigger in ["events_append_only_delete", "checkpoints_append_only_update"] {
            #expect(try Binary.run(["run", "--db", "\(trigger).db"], in: dir).status == 0)
            _ = try sqlite(dir + "/\(trigger).db", "DROP TRIGGER \(trigger);")
            let r = try Binary.run(["verify", "\(trigger).db"], in: dir)
            #expect(r.status == 1)
            #expect(r.stderr.contains("guard triggers are missing"), "\(trigger)")
        }
    }

    @Test func aReplayThatMeetsADamagedRowNamesIt() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "3000", "--seed", "4", "-o", "s.jsonl"], in: dir).status == 0)
        #expect(try Binary.run(["import", "s.jsonl", "--db", "t.db", "--checkpoint-every", "1000"], in: dir).status == 0)
        let db = dir + "/t.db"
        _ = try sqlite(db, "DROP TRIGGER events_append_only_delete; DROP TRIGGER events_append_only_update; DELETE FROM events WHERE seq = 1500; UPDATE events SET payload = '{\"broken' WHERE seq = 2500;")
        func at(_ seq: Int) throws -> String { try sqlite(db, "SELECT at FROM events WHERE seq = \(seq)").trimmingCharacters(in: .whitespacesAndNewlines) }
        // Before the damage, from a checkpoint: fine.
        #expect(try Binary.run(["show", "t.db", "--at", try at(1200), "--contact", "c1"], in: dir).status == 0)
        // A replay that reaches a damaged row stops there, naming it, whichever command reads it.
        for (seq, reason) in [(1700, "event #1500: missing from the log"), (2700, "event #2500: bad payload")] {
            for cmd in [["show", "t.db", "--at", try at(seq)], ["diff", "t.db", "s.jsonl", "--at", try at(seq)]] {
                let r = try Binary.run(cmd, in: dir)
                #expect(r.status == 2, "\(cmd)")
                #expect(r.stderr.contains(reason) && r.stderr.split(separator: "\n").count == 1, "\(cmd): \(r.stderr)")
            }
        }
    }

    @Test func aLogOfANewerSchemaIsRefusedUntouched() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", "--db", "new.db"], in: dir).status == 0)
        _ = try sqlite(dir + "/new.db", "INSERT INTO grdb_migrations VALUES ('v9-future');")
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/new.db"))
        for cmd in [["show", "new.db"], ["verify", "new.db"], ["import", "x.jsonl", "--db", "new.db"]] {
            if cmd[0] == "import" { try Binary.write("", to: "x.jsonl", in: dir) }
            let r = try Binary.run(cmd, in: dir)
            #expect(r.status == 2, "\(cmd)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        #expect(try Binary.run(["show", "new.db"], in: dir).stderr.contains("written by a newer syncsim"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/new.db")) == before)
    }

    @Test func foreignFilesGetOneLineAndExitTwo() throws {
        let dir = Binary.tempDir()
        try Binary.write("", to: "empty.db", in: dir)
        _ = try sqlite(dir + "/other.db", "CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        let other = try Data(contentsOf: URL(fileURLWithPath: dir + "/other.db"))
        for (cmd, words) in [(["show", "empty.db"], "empty"), (["verify", "other.db"], "another program"),
                             (["import", "s.jsonl", "--db", "other.db"], "another program"),
                             (["run", "--db", "no/such/dir/x.db"], "does not exist"),
                             (["diff", "other.db", "empty.db"], "another program")] {
            if cmd[0] == "import" { try Binary.write("", to: "s.jsonl", in: dir) }
            let r = try Binary.run(cmd, in: dir)
            #expect(r.status == 2, "\(cmd)")
            #expect(r.stderr.contains(words), "\(cmd): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(cmd): \(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/other.db")) == other)
    }
}

@Suite struct ProgressTests {
    @Test func aProgressBarOnATerminalNothingWhenPiped() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "60000", "-o", "p.jsonl"], in: dir).status == 0)
        let piped = try Binary.run(["import", "p.jsonl", "--db", "piped.db"], in: dir)
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "no progress when standard error is not a terminal")
        let tty = try Binary.run(["-qec", "\(Binary.path) import \(dir)/p.jsonl --db \(dir)/tty.db", "/dev/null"],
                                 executable: "/usr/bin/script")
        #expect(tty.stdout.contains("ev/s"), "a progress bar with the rate")
        #expect(tty.stdout.contains("ETA"))
        #expect(tty.stdout.contains("recorded 60000 events"))
    }
}
