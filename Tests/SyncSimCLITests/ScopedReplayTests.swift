import Foundation
import Testing

/// `explain` and `show --why` of a few contacts or accounts replay only the events they need,
/// found through the log's index: their output is byte for byte that of a replay of every
/// event (the same log with its index dropped, which `show` and `explain` then replay whole).
@Suite struct ScopedReplayTests {
    static func sqlite(_ db: String, _ sql: String) throws -> Binary.Result {
        try Binary.run([db, sql], executable: "/usr/bin/sqlite3")
    }

    /// A generated day recorded in a log, and a copy of it without its index.
    static func logs() throws -> (dir: String, indexed: String, whole: String) {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "30000", "--seed", "11", "-o", "day.jsonl"], in: dir).status == 0)
        #expect(try Binary.run(["import", "day.jsonl", "--db", "indexed.db"], in: dir).status == 0)
        try FileManager.default.copyItem(atPath: dir + "/indexed.db", toPath: dir + "/whole.db")
        #expect(try sqlite(dir + "/whole.db", "DROP TABLE event_index").status == 0)
        return (dir, dir + "/indexed.db", dir + "/whole.db")
    }

    @Test func explainAndShowWhyAreTheWholeReplays() throws {
        let (dir, indexed, whole) = try Self.logs()
        var questions: [[String]] = []
        for c in ["c1", "c2", "c17", "c250", "c4000"] {
            questions += [["explain", "--contact", c], ["explain", "--contact", c, "--json"], ["explain", "--contact", c, "--at", "3h"],
                          ["show", "--why", "--contact", c], ["show", "--why", "--contact", c, "--at", "2h30m", "--json"]]
        }
        for a in ["a0", "a1", "a9", "a300"] {
            questions += [["show", "--why", "--account", a], ["show", "--why", "--account", a, "--contact", "c3", "--json"]]
        }
        for q in questions {
            let args = { (db: String) in [q[0], db] + q.dropFirst() }
            let fast = try Binary.run(args(indexed), in: dir)
            let slow = try Binary.run(args(whole), in: dir)
            #expect(fast.status == 0 && slow.status == 0, "\(q): \(fast.stderr)\(slow.stderr)")
            #expect(fast.stdout.count > 100, "\(q)")
            #expect(fast.stdout.replacingOccurrences(of: indexed, with: "LOG") == slow.stdout.replacingOccurrences(of: whole, with: "LOG"), "\(q)")
        }
    }

    /// A rule change that sets a capacity, among the log's rule changes, makes every account wait
    /// for the others: the question is answered from the whole log, as without the index.
    @Test func aCapacitySetMidwayMeansTheWholeReplay() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "20000", "--seed", "5", "-o", "day.jsonl"], in: dir).status == 0)
        var lines = try String(contentsOfFile: dir + "/day.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        let at = { (line: String) in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["at"] as? Int ?? 0
        }
        let middle = try #require(lines.indices.dropFirst().first { at(lines[$0]) > 7200 })
        lines.insert(#"{"activityLimit":900,"at":7200,"type":"sync.configure"}"#, at: middle)
        lines.insert(#"{"at":7200,"capacity":3,"type":"sync.configure"}"#, at: middle)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/day.jsonl", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["import", "day.jsonl", "--db", "indexed.db"], in: dir).status == 0)
        try FileManager.default.copyItem(atPath: dir + "/indexed.db", toPath: dir + "/whole.db")
        #expect(try Self.sqlite(dir + "/whole.db", "DROP TABLE event_index").status == 0)
        for q in [["explain", "--contact", "c1"], ["show", "--why", "--account", "a0"]] {
            let fast = try Binary.run([q[0], "indexed.db"] + q.dropFirst(), in: dir)
            let slow = try Binary.run([q[0], "whole.db"] + q.dropFirst(), in: dir)
            #expect(fast.status == 0 && fast.stdout.count > 100, "\(q): \(fast.stderr)")
            #expect(fast.stdout.replacingOccurrences(of: "indexed.db", with: "LOG") == slow.stdout.replacingOccurrences(of: "whole.db", with: "LOG"), "\(q)")
        }
    }

    @Test func verifyChecksTheIndex() throws {
        let (dir, indexed, _) = try Self.logs()
        #expect(try Binary.run(["verify", indexed], in: dir).status == 0)
        // A piece changed behind the log's back (its guard dropped first) is found.
        #expect(try Self.sqlite(indexed, """
            DROP TRIGGER event_index_append_only_update;
            UPDATE event_index SET piece = substr(piece, 1, length(piece) - 1) || x'7F' WHERE first = 10001;
            """).status == 0)
        let r = try Binary.run(["verify", indexed], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("not intact: event #10001: the index of events #10001 to #20000 does not match them"), "\(r.stderr)")
    }
}
