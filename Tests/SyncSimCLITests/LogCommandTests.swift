import Foundation
import Testing
import SyncSimCore

@Suite struct LogCommandTests {
    /// Writes a random stream as JSON Lines.
    static func stream(seed: UInt64, events: Int, in dir: String) throws -> String {
        var s = RandomStream(seed: seed)
        s.events = events
        var lines = [CanonicalJSON.string(for: .object(s.rules().asChange.jsonMembers.merging(["type": .string("sync.configure")]) { a, _ in a }))]
        lines += s.generate().map { CanonicalJSON.string(for: $0.json) }
        return try Binary.write(lines.joined(separator: "\n") + "\n", to: "s\(seed).jsonl", in: dir)
    }

    @Test func importThenShowIsDeterministicAcrossProcesses() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 11, events: 2000, in: dir)
        let imported = try Binary.run(["import", file, "--db", "a.db"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("recorded 2000 events"))
        #expect(try Binary.run(["import", file, "--db", "b.db"], in: dir).status == 0)
        for at in ["0", "30m", "2h", "100000"] {
            let a = try Binary.run(["show", "a.db", "--at", at, "--json"], in: dir)
            let b = try Binary.run(["show", "b.db", "--at", at, "--json"], in: dir)
            let a2 = try Binary.run(["show", "a.db", "--at", at, "--json"], in: dir)
            #expect(a.status == 0)
            #expect(a.stdout == b.stdout)
            #expect(a.stdout == a2.stdout)
        }
        let verify = try Binary.run(["verify", "a.db"], in: dir)
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("intact, 2000 events"))
    }

    /// Lines that already are canonical JSON are stored as they are, the others as their
    /// canonical JSON: written either way, a stream gives the same stored events.
    @Test func importStoresCanonicalJSONHoweverTheLinesAreWritten() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 8, events: 400, in: dir)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        // Foundation writes keys in its own order, escapes "/" and puts no key in order on purpose.
        var rewritten: [String] = []
        for (i, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            let text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            rewritten.append(i % 3 == 0 ? text.replacingOccurrences(of: "\":", with: "\": ") : text)
        }
        let other = try Binary.write(rewritten.joined(separator: "\n") + "\n", to: "other.jsonl", in: dir)
        #expect(try Binary.run(["import", file, "--db", "a.db"], in: dir).status == 0)
        #expect(try Binary.run(["import", other, "--db", "b.db"], in: dir).status == 0)
        let query = "SELECT seq, payload, rejected FROM events WHERE seq > 0 ORDER BY seq"
        let a = try Binary.run([dir + "/a.db", query], executable: "/usr/bin/sqlite3").stdout
        let b = try Binary.run([dir + "/b.db", query], executable: "/usr/bin/sqlite3").stdout
        #expect(a.split(separator: "\n").count == 400)
        #expect(a == b)
        var s = RandomStream(seed: 8)
        s.events = 400
        let payloads = try Binary.run([dir + "/a.db", "SELECT payload FROM events WHERE seq > 0 ORDER BY seq"], executable: "/usr/bin/sqlite3").stdout
        #expect(payloads == s.generate().map { CanonicalJSON.string(for: $0.json) + "\n" }.joined())
        #expect(try Binary.run(["verify", "b.db"], in: dir).status == 0)
    }

    @Test func showMatchesTheInProcessProjection() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 5, events: 500, in: dir)
        #expect(try Binary.run(["import", file, "--db", "l.db"], in: dir).status == 0)
        var s = RandomStream(seed: 5)
        s.events = 500
        let expected = Simulation.projection(rules: s.rules(), events: s.generate(), at: 3600)
        let shown = try Binary.run(["show", "l.db", "--at", "1h", "--json"], in: dir)
        #expect(shown.stdout == CanonicalJSON.string(for: expected.json) + "\n")
    }

    /// `run --json` writes its final projection as it is made: the same member, byte for byte, as
    /// the projection built whole in this process, in one canonical object.
    @Test func runJSONHoldsTheFinalProjection() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 9, events: 1500, in: dir)
        let run = try Binary.run(["run", file, "--json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        var s = RandomStream(seed: 9)
        s.events = 1500
        let final = Simulation.run(rules: s.rules(), events: s.generate(), recording: false).final.projection()
        let member = #","projection":"# + CanonicalJSON.string(for: final.json) + #","rules":"#
        #expect(run.stdout.contains(member))
        #expect(run.stdout.hasPrefix(#"{"events":1500,"expectations":[],"failed":0,"file":"#))
        #expect(run.stdout.hasSuffix("}\n"))
    }

    @Test func checkpointsGiveTheSameProjectionAsAFullReplay() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 21, events: 3000, in: dir)
        let imported = try Binary.run(["import", file, "--db", "c.db", "--checkpoint-every", "400"], in: dir)
        #expect(imported.status == 0)
        #expect(try Binary.run([dir + "/c.db", "SELECT count(*) FROM checkpoints"], executable: "/usr/bin/sqlite3").stdout == "7\n")
        let verified = try Binary.run(["verify", "c.db"], in: dir)
        #expect(verified.status == 0, "\(verified.stderr)")
        var s = RandomStream(seed: 21)
        s.events = 3000
        let events = s.generate()
        var rng = SplitMix64(seed: 99)
        for _ in 0..<8 {
            let t = Int64(rng.next() % UInt64((events.last?.at ?? 0) + 600))
            let expected = Simulation.projection(rules: s.rules(), events: events, at: t)
            let shown = try Binary.run(["show", "c.db", "--at", String(t), "--json"], in: dir)
            #expect(shown.stdout == CanonicalJSON.string(for: expected.json) + "\n", "at \(t)")
        }
    }

    /// A checkpoint that is a valid snapshot of another moment is caught by `verify`, which
    /// compares every checkpoint with the replay up to it (the replay's snapshots encoded reusing
    /// the ones before, as an import takes them): here the fifth, after four that match.
    @Test func aCheckpointOfAnotherMomentIsNamed() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 21, events: 3000, in: dir)
        #expect(try Binary.run(["import", file, "--db", "w.db", "--checkpoint-every", "400"], in: dir).status == 0)
        #expect(try Binary.run(["verify", "w.db"], in: dir).status == 0)
        let sql = """
            DROP TRIGGER checkpoints_append_only_update;
            UPDATE checkpoints SET state = (SELECT state FROM checkpoints WHERE seq = 400) WHERE seq = 2000;
            CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'syncsim: checkpoints are append-only'); END;
            """
        #expect(try Binary.run([dir + "/w.db", sql], executable: "/usr/bin/sqlite3").status == 0)
        let verified = try Binary.run(["verify", "w.db"], in: dir)
        #expect(verified.status == 1)
        #expect(verified.stderr.contains("event #2000: its checkpoint does not match the replay of the events up to it"), "\(verified.stderr)")
    }

    /// Checkpoints after the first are patches of the one before (a whole snapshot after three):
    /// a damaged patch is named by `verify`, and by `show` at an instant that needs it, while an
    /// instant after the next whole checkpoint is still shown.
    @Test func aDamagedCheckpointPatchIsNamed() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 21, events: 3000, in: dir)
        #expect(try Binary.run(["import", file, "--db", "p.db", "--checkpoint-every", "400"], in: dir).status == 0)
        let sqlite = "/usr/bin/sqlite3"
        let kinds = try Binary.run([dir + "/p.db", "SELECT group_concat(k, ' ') FROM (SELECT hex(substr(state, 1, 1)) AS k FROM checkpoints ORDER BY seq)"], executable: sqlite)
        #expect(kinds.stdout == "07 6B 6B 6B 07 6B 6B\n", "whole (07) or patch (6B): \(kinds.stdout)")
        // The patch of checkpoint 1200 loses its last byte; the guard is put back as it was.
        let sql = """
            DROP TRIGGER checkpoints_append_only_update;
            UPDATE checkpoints SET state = substr(state, 1, length(state) - 1) WHERE seq = 1200;
            CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'syncsim: checkpoints are append-only'); END;
            """
        #expect(try Binary.run([dir + "/p.db", sql], executable: sqlite).status == 0)
        let message = "event #1200: its checkpoint does not apply to checkpoint 800, which it patches"
        let verified = try Binary.run(["verify", "p.db"], in: dir)
        #expect(verified.status == 1)
        #expect(verified.stderr.contains(message), "\(verified.stderr)")
        let at = { (seq: Int) in try Binary.run([dir + "/p.db", "SELECT at FROM checkpoints WHERE seq = \(seq)"], executable: sqlite).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        // 1600 is a patch of the damaged one.
        for seq in [1200, 1600] {
            let shown = try Binary.run(["show", "p.db", "--at", try at(seq)], in: dir)
            #expect(shown.status == 2, "at checkpoint \(seq)")
            #expect(shown.stderr.contains(message), "\(shown.stderr)")
        }
        var s = RandomStream(seed: 21)
        s.events = 3000
        let t = Int64(try at(2000))!
        let expected = Simulation.projection(rules: s.rules(), events: s.generate(), at: t)
        let shown = try Binary.run(["show", "p.db", "--at", String(t), "--json"], in: dir)
        #expect(shown.stdout == CanonicalJSON.string(for: expected.json) + "\n")
    }

    /// A new log is on the disk when `import` ends: the last thing done to the database file is
    /// a sync, after its last write. (A new log is written under `synchronous = OFF`, and SQLite
    /// syncs the file only when its last copy of the write-ahead log has pages to copy: not when
    /// the commit before copied them all, as each commit of these large events does.) Traced
    /// with strace(1).
    @Test func anImportEndsWithTheLogOnTheDisk() throws {
        let dir = Binary.tempDir()
        var lines = [#"{"account":"a","at":0,"fields":{"n":0},"type":"dynamics.account.create"}"#]
        for i in 1...200 {
            lines.append(#"{"account":"a","at":\#(i),"fields":{"notes":"\#(String(repeating: "x", count: 40_000))\#(i)"},"type":"dynamics.account.update"}"#)
        }
        let file = try Binary.write(lines.joined(separator: "\n") + "\n", to: "big.jsonl", in: dir)
        // -y: each descriptor is printed with the path it is open on, so no open(2) has to be
        // followed (with -f, a call interrupted by another thread's is printed in two pieces).
        let traced = try Binary.run(["-f", "-y", "-e", "trace=pwrite64,fdatasync,fsync", "-o", dir + "/trace",
                                     Binary.path, "import", file, "--db", "d.db"], in: dir, executable: "/usr/bin/strace")
        #expect(traced.status == 0, "\(traced.stderr)")
        // The last write to d.db and the last sync of it, by any of its descriptors.
        var (lastWrite, lastSync) = (-1, -1)
        let trace = try String(contentsOfFile: dir + "/trace", encoding: .utf8).split(separator: "\n")
        for (i, line) in trace.enumerated() {
            for call in ["pwrite64", "fdatasync", "fsync"] {
                guard let r = line.range(of: " \(call)("),
                      let end = line[r.upperBound...].firstIndex(where: { $0 == "," || $0 == ")" || $0 == " " }),
                      line[r.upperBound..<end].hasSuffix("/d.db>") else { continue }
                if call == "pwrite64" { lastWrite = i } else { lastSync = i }
            }
        }
        #expect(lastWrite >= 0, "the trace shows no write to the log: \(trace.prefix(20))")
        #expect(lastSync > lastWrite, "the last write to the log (line \(lastWrite + 1) of the trace) is not followed by a sync")
    }

    @Test func checkpointIntervalMustBePositive() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 25, events: 50, in: dir)
        let r = try Binary.run(["import", file, "--db", "z.db", "--checkpoint-every", "0"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("--checkpoint-every must be a positive number of events"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/z.db"))
        // With a positive interval, one checkpoint per full interval.
        #expect(try Binary.run(["import", file, "--db", "c.db", "--checkpoint-every", "20"], in: dir).status == 0)
        #expect(try Binary.run([dir + "/c.db", "SELECT count(*) FROM checkpoints"], executable: "/usr/bin/sqlite3").stdout == "2\n")
    }

    @Test func diffOfALogStartsFromItsCheckpointsOnlyUnderItsOwnRules() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 24, events: 1500, in: dir)
        #expect(try Binary.run(["import", file, "--db", "d.db", "--checkpoint-every", "200"], in: dir).status == 0)
        // The log (from a checkpoint) and its stream (folded in memory) agree at any instant...
        for t in ["10m", "1h", "3h"] {
            let same = try Binary.run(["diff", "d.db", file, "--at", t], in: dir)
            #expect(same.status == 0, "at \(t): \(same.stdout)")
        }
        // ...and under other rules too, where the log's checkpoints do not hold.
        let other = try Binary.run(["diff", "d.db", file, "--at", "3h", "--set", "overwrite=changed", "--set", "activityLimit=3"], in: dir)
        #expect(other.status == 0, "\(other.stdout)")
        // With no field selected on side A, Marketo shows no account values there.
        let changed = try Binary.run(["diff", "d.db", file, "--at", "3h", "--a-set", "fields=[]"], in: dir)
        #expect(changed.status == 1, "\(changed.stdout)")
    }

    @Test func checkpointsOfAnOlderFormatArePassedOver() throws {
        let dir = Binary.tempDir()
        let file = try Self.stream(seed: 23, events: 2000, in: dir)
        #expect(try Binary.run(["import", file, "--db", "o.db", "--checkpoint-every", "300"], in: dir).status == 0)
        // What an earlier syncsim wrote: the same rows, checkpoints in snapshot format 2.
        let sql = "DROP TRIGGER checkpoints_append_only_update; UPDATE checkpoints SET state = X'02' || substr(state, 2);"
        #expect(try Binary.run([dir + "/o.db", sql], executable: "/usr/bin/sqlite3").status == 0)
        var s = RandomStream(seed: 23)
        s.events = 2000
        let events = s.generate()
        for t in [events[1500].at, (events.last?.at ?? 0) + 300] {
            let expected = Simulation.projection(rules: s.rules(), events: events, at: t)
            let shown = try Binary.run(["show", "o.db", "--at", String(t), "--json"], in: dir)
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout == CanonicalJSON.string(for: expected.json) + "\n", "at \(t)")
        }
        // The old checkpoints are not compared with the replay; the dropped guard is what verify reports.
        let verified = try Binary.run(["verify", "o.db"], in: dir)
        #expect(verified.status == 1)
        #expect(verified.stderr.contains("guard triggers are missing") && !verified.stderr.contains("does not match"), "\(verified.stderr)")
    }

    /// A `--contact` or `--account` that no event names is bad input, with the closest id; one
    /// named only after the instant is shown empty, as before.
    @Test func unknownIDsAreNamedWithTheClosestOne() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", "--db", "r.db"], in: dir).status == 0)
        for (args, message) in [(["show", "r.db", "--contact", "bobb"], "r.db: error: no event names contact 'bobb' (did you mean 'bob'?)"),
                                (["show", "r.db", "--account", "acmee", "--json"], "r.db: error: no event names account 'acmee' (did you mean 'acme'?)"),
                                (["show", "r.db", "--contact", "zz"], "r.db: error: no event names contact 'zz'"),
                                (["explain", "r.db", "--contact", "alicee"], "r.db: error: no event names contact 'alicee' (did you mean 'alice'?)"),
                                (["explain", Binary.root + "/Scenarios/local-edit-overwritten.yaml", "--contact", "bo"],
                                 "error: no event names contact 'bo' (did you mean 'bob'?)")] {
            let r = try Binary.run(args, in: dir)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(message) && r.stdout.isEmpty, "\(args): \(r.stderr)")
        }
        // Named by an event after the instant (acme is created at 1m): known to the log, shown empty.
        #expect(try Binary.run(["run", Binary.root + "/Scenarios/r1-cycle-timing.yaml", "--db", "t.db"], in: dir).status == 0)
        let early = try Binary.run(["show", "t.db", "--at", "0s", "--account", "acme", "--json"], in: dir)
        #expect(early.status == 0 && early.stdout.hasPrefix(#"{"accounts":{},"at":0"#), "\(early.stderr)")
    }

    @Test func showDefaultsToTheLastEvent() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", "--db", "r.db"], in: dir).status == 0)
        let r = try Binary.run(["show", "r.db", "--json"], in: dir)
        #expect(r.stdout.hasPrefix(#"{"accounts":{"acme":{"deletedInDynamics":false,"dynamics":{"industry":"Retail","name":"Acme","website":"acme.example"},"marketo":{"industry":"Finance","name":"Acme"},"stale":false}},"at":420,"#))
        // The queue: acme's update at 7m waits for the cycle at 10m.
        #expect(r.stdout.contains(#""queue":{"oldest":420,"records":1},"rejected""#), "\(r.stdout)")
        let text = try Binary.run(["show", "r.db", "--at", "10m"], in: dir)
        #expect(text.stdout.contains("bob  account acme  3 activities"))
    }

    @Test func verifyFailsOnATamperedLog() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", "--db", "t.db"], in: dir).status == 0)
        let sql = "DROP TRIGGER events_append_only_update; UPDATE events SET payload = replace(payload, 'Finance', 'Mining') WHERE seq = 4;"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [dir + "/t.db", sql]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        let r = try Binary.run(["verify", "t.db"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("event #4"), "\(r.stderr)")
    }

    @Test func foreignFilesAreBadInput() throws {
        let dir = Binary.tempDir()
        try Binary.write("not a database", to: "x.db", in: dir)
        for cmd in [["show", "x.db"], ["verify", "x.db"], ["show", "missing.db"]] {
            let r = try Binary.run(cmd, in: dir)
            #expect(r.status == 2)
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        #expect(try String(contentsOfFile: dir + "/x.db", encoding: .utf8) == "not a database")
    }

    @Test func importRejectsBadStreamsWithTheirLine() throws {
        let dir = Binary.tempDir()
        try Binary.write("""
        {"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {}}

        {"at": 0, "type": "dynamics.contact.move", "contact": "x", "account": "a"}
        """, to: "bad.jsonl", in: dir)
        let r = try Binary.run(["import", "bad.jsonl", "--db", "b.db"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("bad.jsonl:3:55: error: contact 'x' is not created by any earlier event"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b.db"))
    }
}
