import Foundation
import Testing

/// A disk that fills up during `import` or `run --db`: the committed events stay, `verify`
/// passes, the exit code is the input/output failure's, and the same command, once there is
/// room, resumes to a log that projects byte for byte like an uninterrupted one.
@Suite(.serialized) struct DiskFullTests {
    /// A small file system of its own: a tmpfs of `megabytes`, mounted (as root) on a fresh
    /// directory; nil when this machine does not let the tests mount one.
    static func smallFileSystem(megabytes: Int) -> String? {
        let dir = Binary.tempDir()
        let r = try? Binary.run(["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", dir], executable: "/bin/mount")
        return r?.status == 0 ? dir : nil
    }

    static func unmount(_ dir: String) {
        _ = try? Binary.run([dir], executable: "/bin/umount")
    }

    /// Whether a tmpfs can be mounted here (root, and a kernel that allows it).
    static let canMount: Bool = {
        guard let dir = smallFileSystem(megabytes: 1) else { return false }
        unmount(dir)
        return true
    }()

    @Test(.enabled(if: canMount, "skipped: mounting a small tmpfs needs root"), arguments: ["import", "run"])
    func aFullDiskKeepsTheCommittedPrefixAndTheSameCommandResumes(command: String) throws {
        let work = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "60000", "--seed", "3", "-o", "big.jsonl"], in: work).status == 0)
        let args = { (db: String) in command == "import" ? ["import", "big.jsonl", "--db", db] : ["run", "big.jsonl", "--db", db, "--json"] }
        // The log of an uninterrupted run, on the ordinary disk.
        #expect(try Binary.run(args(work + "/whole.db"), in: work).status == 0)
        let small = try #require(Self.smallFileSystem(megabytes: 4))
        defer { Self.unmount(small) }
        let db = small + "/log.db"
        let full = try Binary.run(args(db), in: work)
        #expect(full.status == 74, "\(full.stderr)")
        #expect(full.stderr.contains("database or disk is full"), "\(full.stderr)")
        #expect(full.stderr.contains("Free some space and run the same command again: it goes on from there"))
        // What the message says the log keeps is what verify finds, intact.
        let kept = try #require(full.stderr.range(of: "the log keeps the ").map { Int(full.stderr[$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        #expect(kept > 0 && kept < 60_000)
        let verified = try Binary.run(["verify", db], in: work)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("intact, \(kept) events"), "\(verified.stdout)")
        // Freed space: the same command goes on from there.
        #expect(try Binary.run(["-o", "remount,size=64m", small], executable: "/bin/mount").status == 0)
        let resumed = try Binary.run(args(db), in: work)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        if command == "import" { #expect(resumed.stdout.hasPrefix("resumed: \(db) held \(kept) of 60000 events")) }
        #expect(try Binary.run(["verify", db], in: work).stdout.contains("intact, 60000 events"))
        let shown = try Binary.run(["show", db, "--json"], in: work).stdout
        let uninterrupted = try Binary.run(["show", work + "/whole.db", "--json"], in: work).stdout
        #expect(!shown.isEmpty && shown == uninterrupted)
        let heads = try [db, work + "/whole.db"].map { try Binary.run(["verify", $0]).stdout.components(separatedBy: " head ").last }
        #expect(heads[0] == heads[1])
    }

    /// A disk too full for even the header leaves no file behind.
    @Test(.enabled(if: canMount, "skipped: mounting a small tmpfs needs root"))
    func aDiskTooFullForTheHeaderLeavesNothing() throws {
        let small = try #require(Self.smallFileSystem(megabytes: 1))
        defer { Self.unmount(small) }
        // Fill the file system first.
        _ = try? Data(count: 1 << 20).write(to: URL(fileURLWithPath: small + "/filler"))
        let r = try Binary.run(["run", "Scenarios/r1-cycle-timing.yaml", "--db", small + "/log.db"], in: Binary.root)
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.hasSuffix("database or disk is full; nothing was committed and no log is left\n"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: small + "/log.db"), "\(r.stderr)")
    }
}
