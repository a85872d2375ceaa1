import Foundation
import Testing

/// Logs whose file was cut short or had pages overwritten (a copy interrupted, a bad disk):
/// `verify` says they are not intact, names the last event that verifies and keeps those
/// events on request; `show` and `diff` name the damage in one line.
@Suite struct DamagedLogTests {
    /// A log of a generated day, intact, in its own directory.
    static func log() throws -> (dir: String, db: String) {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "40000", "--seed", "5", "-o", "day.jsonl"], in: dir).status == 0)
        #expect(try Binary.run(["import", "day.jsonl", "--db", "day.db"], in: dir).status == 0)
        return (dir, dir + "/day.db")
    }

    static func damage(_ db: String, _ how: String) throws {
        let h = try #require(FileHandle(forUpdatingAtPath: db))
        defer { try? h.close() }
        let size = try h.seekToEnd()
        switch how {
        case "cut":
            try h.truncate(atOffset: size / 3)
        default:
            // Three 64 KiB pages in the middle overwritten with bytes of no meaning.
            var rng = SystemRandomNumberGenerator()
            try h.seek(toOffset: (size / 2) / 65536 * 65536)
            try h.write(contentsOf: Data((0..<(3 * 65536)).map { _ in UInt8.random(in: 0...255, using: &rng) }))
        }
    }

    @Test(arguments: ["cut", "overwritten"])
    func verifyNamesTheLastGoodEventAndKeepsThePrefix(how: String) throws {
        let (dir, db) = try Self.log()
        let intactHashes = try Binary.run([db, "SELECT seq, lower(hex(hash)) FROM events"], executable: "/usr/bin/sqlite3").stdout
        try Self.damage(db, how)
        let r = try Binary.run(["verify", db], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("\(db): not intact: event #") ?? false, "\(r.stderr)")
        let kept = try #require(lines.last?.range(of: "events #1 to #").map { Int(lines.last![$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        // The first problem is at the first event that does not verify, or at a checkpoint before it.
        let first = try #require(lines.first!.range(of: "not intact: event #").map { Int(lines.first![$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        #expect(first <= kept + 1 && kept > 0, "\(r.stderr)")
        if how == "cut" { #expect(first == kept + 1 && kept < 40_000, "\(r.stderr)") }
        #expect(lines.last!.hasSuffix("keep them in a new log with: syncsim verify \(db) --salvage NEW.db"))
        // Kept: a log that verifies, whose head is the damaged log's chain at that event.
        let salvaged = try Binary.run(["verify", db, "--salvage", dir + "/kept.db"], in: dir)
        #expect(salvaged.status == 1)
        #expect(salvaged.stderr.contains("kept events #1 to #\(kept) in \(dir)/kept.db"), "\(salvaged.stderr)")
        let check = try Binary.run(["verify", dir + "/kept.db"], in: dir)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("intact, \(kept) events, head sha256:"))
        let hashOfKept = intactHashes.split(separator: "\n").first { $0.hasPrefix("\(kept)|") }.map { String($0.dropFirst("\(kept)|".count)) }
        #expect(check.stdout.hasSuffix("head sha256:\(try #require(hashOfKept))\n"), "\(check.stdout)")
        // And it answers as the intact log did up to then.
        let at = try Binary.run(["show", dir + "/kept.db", "--json"], in: dir)
        #expect(at.status == 0)
    }

    @Test func showAndDiffNameTheDamageInOneLine() throws {
        let (dir, db) = try Self.log()
        try Self.damage(db, "cut")
        for args in [["show", db], ["diff", db, db], ["explain", db, "--contact", "c1"]] {
            let r = try Binary.run(args, in: dir)
            #expect(r.status == 2)
            #expect(r.stderr == "\(db): error: the log is damaged (database disk image is malformed); `syncsim verify \(db)` names the events that still verify and how to keep them\n", "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func anIntactLogHasNothingToSalvage() throws {
        let (dir, db) = try Self.log()
        let r = try Binary.run(["verify", db, "--salvage", dir + "/kept.db"], in: dir)
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("nothing to salvage: every event verifies\n"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/kept.db"))
    }
}
