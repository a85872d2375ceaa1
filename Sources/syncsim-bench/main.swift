// syncsim-bench: measures, on the rows of an existing log, what SQLite itself does
// (raw insert and read of the same rows) and what SyncSim's replay does, in events per second.
// Used by tools/bench.sh; prints `key value` lines.
import Foundation
import GRDBSQLite
import SyncSimCore
import SyncSimStore

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func check(_ rc: Int32, _ db: OpaquePointer?, _ what: String) {
    if rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW {
        FileHandle.standardError.write(Data("\(what): \(String(cString: sqlite3_errmsg(db)))\n".utf8))
        exit(2)
    }
}

struct RawRow {
    var seq: Int64, at: Int64, type: [UInt8], payload: [UInt8], rejected: [UInt8]?, hash: [UInt8]
}

/// Reads every row of the log with the C API, returning them and the rows per second.
func rawRead(_ path: String) -> ([RawRow], Double) {
    var db: OpaquePointer?
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil), db, "open")
    var st: OpaquePointer?
    check(sqlite3_prepare_v2(db, "SELECT seq, at, type, payload, rejected, hash FROM events ORDER BY seq", -1, &st, nil), db, "prepare")
    var rows: [RawRow] = []
    func bytes(_ col: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(st, col))
        guard let p = sqlite3_column_blob(st, col) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
    let t0 = now()
    while sqlite3_step(st) == SQLITE_ROW {
        rows.append(RawRow(seq: sqlite3_column_int64(st, 0), at: sqlite3_column_int64(st, 1), type: bytes(2),
                           payload: bytes(3), rejected: sqlite3_column_type(st, 4) == SQLITE_NULL ? nil : bytes(4), hash: bytes(5)))
    }
    let t = now() - t0
    sqlite3_finalize(st)
    sqlite3_close(db)
    return (rows, Double(rows.count) / t)
}

/// Inserts the rows into a fresh database of the same table, in one transaction, `perStatement`
/// rows by each run of a prepared insert (the rest one by one); returns rows per second. The
/// texts are bound in place from one buffer, as the log's writer binds them.
func rawInsert(_ rows: [RawRow], into path: String, perStatement: Int = 1) -> Double {
    unlink(path)
    var db: OpaquePointer?
    check(sqlite3_open(path, &db), db, "open")
    // The settings the log's writer gives a new log; after the commit, the last copy of the
    // write-ahead log into the database, waiting for the disk, as the writer's `finish` does.
    check(sqlite3_exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; \(LogWriter.newLogPragmas); CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, rejected TEXT, hash BLOB NOT NULL);", nil, nil, nil), db, "schema")
    // Each row's type, payload, reason and hash, end to end; its numbers apart.
    var packed: [UInt8] = []
    var starts: [Int] = []
    let seqs = rows.map(\.seq), ats = rows.map(\.at), rejected = rows.map { $0.rejected != nil }
    for r in rows {
        for column in [r.type, r.payload, r.rejected ?? [], r.hash] {
            starts.append(packed.count)
            packed += column
        }
    }
    starts.append(packed.count)
    func prepare(_ n: Int) -> OpaquePointer? {
        var st: OpaquePointer?
        // The log's writer's statement (`OR FAIL`: a statement of many rows needs no statement journal).
        check(sqlite3_prepare_v2(db, LogWriter.insertSQL(rows: n), -1, &st, nil), db, "prepare")
        return st
    }
    let one = prepare(1), many = prepare(perStatement)
    let t0 = now()
    check(sqlite3_exec(db, "BEGIN", nil, nil, nil), db, "begin")
    packed.withUnsafeBufferPointer { bytes in
        let base = UnsafeRawPointer(bytes.baseAddress!)
        func text(_ st: OpaquePointer?, _ k: Int32, _ c: Int) {
            sqlite3_bind_text(st, k, base.advanced(by: starts[c]).assumingMemoryBound(to: CChar.self), Int32(starts[c + 1] - starts[c]), nil)
        }
        var i = 0
        while i < rows.count {
            let n = rows.count - i >= perStatement ? perStatement : 1
            let st = n == 1 ? one : many
            for j in 0..<n {
                let k = Int32(6 * j), c = 4 * (i + j)
                sqlite3_bind_int64(st, k + 1, seqs[i + j])
                sqlite3_bind_int64(st, k + 2, ats[i + j])
                text(st, k + 3, c)
                text(st, k + 4, c + 1)
                if rejected[i + j] { text(st, k + 5, c + 2) } else { sqlite3_bind_null(st, k + 5) }
                sqlite3_bind_blob(st, k + 6, base.advanced(by: starts[c + 3]), 32, nil)
            }
            check(sqlite3_step(st), db, "insert")
            sqlite3_reset(st)
            i += n
        }
    }
    check(sqlite3_exec(db, "COMMIT; \(LogWriter.writerPragmas); PRAGMA wal_checkpoint(TRUNCATE)", nil, nil, nil), db, "commit")
    let t = now() - t0
    sqlite3_finalize(one)
    sqlite3_finalize(many)
    sqlite3_close(db)
    unlink(path); unlink(path + "-wal"); unlink(path + "-shm")
    return Double(rows.count) / t
}

/// Runs one measurement; any error ends the program with exit 2.
func measure(_ body: () throws -> Void) {
    do {
        try body()
    } catch {
        print("error: \(error)")
        exit(2)
    }
}

/// Runs `body` `rounds` times and returns the median time in seconds.
func median(rounds: Int, _ body: () -> Void) -> Double {
    var times: [Double] = []
    for _ in 0..<max(rounds, 1) {
        let t0 = now()
        body()
        times.append(now() - t0)
    }
    return times.sorted()[times.count / 2]
}

let usage = "usage: syncsim-bench raw LOG | replay LOG | read LOG | fold LOG | snapshots LOG | chain LOG | at LOG SECONDS"
let args = CommandLine.arguments
guard args.count >= 3 else {
    print(usage)
    exit(2)
}
switch args[1] {
case "raw":
    let (rows, readRate) = rawRead(args[2])
    // One row per run of the statement (the limit the import is measured against), then 64 at a
    // time, as the log's writer inserts them.
    let insertRate = rawInsert(rows, into: args[2] + ".raw-bench")
    let insert64Rate = rawInsert(rows, into: args[2] + ".raw-bench", perStatement: 64)
    print("raw_read_rows_per_s \(Int(readRate))")
    print("raw_insert_rows_per_s \(Int(insertRate))")
    print("raw_insert64_rows_per_s \(Int(insert64Rate))")
case "replay":
    // Reading, decoding and folding, as `show` without checkpoints does it.
    measure {
        let log = try EventLog.open(path: args[2])
        let rules = try log.header().rules
        let t0 = now()
        let count = try log.withEvents { Simulation.fold(rules: rules, events: &$0, through: nil).lastSeq }
        print("replay_events \(count)")
        print("replay_events_per_s \(Int(Double(count) / (now() - t0)))")
    }
case "read":
    // Reading and decoding alone, as replay's reading thread does it.
    measure {
        let log = try EventLog.open(path: args[2])
        let t0 = now()
        let count = try log.withEvents { it -> Int in
            var n = 0
            while it.next() != nil { n += 1 }
            return n
        }
        print("read_events_per_s \(Int(Double(count) / (now() - t0)))")
    }
case "fold":
    // The fold alone: every event decoded into memory first, then folded (median of 3).
    measure {
        let log = try EventLog.open(path: args[2])
        let rules = try log.header().rules
        let events = try log.events()
        let t = median(rounds: 3) {
            var it = events.makeIterator()
            precondition(Simulation.fold(rules: rules, events: &it, through: nil).lastSeq == events.count)
        }
        print("fold_events_per_s \(Int(Double(events.count) / t))")
    }
case "snapshots":
    // The checkpoints an import takes (one per 20,000 events, reusing what the last one encoded;
    // most stored as patches of the one before), timed apart from the fold between them.
    measure {
        let log = try EventLog.open(path: args[2])
        let rules = try log.header().rules
        let events = try log.events()
        var projector = Projector(rules: rules)
        let cache = Projector.SnapshotCache()
        var (taken, bytes, seconds) = (0, 0, 0.0)
        for (i, e) in events.enumerated() {
            projector.apply(e, seq: i + 1)
            if (i + 1) % 20_000 == 0 {
                let t0 = now()
                bytes += projector.checkpoint(reusing: cache).count
                seconds += now() - t0
                taken += 1
            }
        }
        print("snapshots \(taken)")
        print("snapshot_bytes \(bytes)")
        print("snapshots_ms \(String(format: "%.1f", seconds * 1000))")
    }
case "chain":
    // The hash chain alone, as the commit thread computes it, over the log's rows in memory
    // (median of 5 passes; the chain's last hash is checked against the log's).
    let (rows, _) = rawRead(args[2])
    var last: [UInt8] = []
    let t = median(rounds: 5) {
        var hash = HashChain.genesis
        for r in rows {
            let rejected = r.rejected.map { String(decoding: $0, as: UTF8.self) }
            r.payload.withUnsafeBytes { HashChain.advance(&hash, seq: Int(r.seq), payload: $0, rejected: rejected) }
        }
        last = hash
    }
    guard last == rows.last?.hash else {
        print("error: the chain's last hash is not the log's")
        exit(2)
    }
    print("chain_rows_per_s \(Int(Double(rows.count) / t))")
    print("chain_ns_per_row \(String(format: "%.0f", t * 1e9 / Double(rows.count)))")
case "at":
    // The stages of `show --at T`, then the checkpoint's encoding and decoding on their own
    // (median of SYNCSIM_BENCH_ROUNDS runs, default 1).
    measure {
        let instant = Int64(args.count > 3 ? args[3] : "0") ?? 0
        var t0 = now()
        func lap(_ name: String) {
            print("\(name)_ms \(String(format: "%.1f", (now() - t0) * 1000))")
            t0 = now()
        }
        let log = try EventLog.open(path: args[2])
        let rules = try log.header().rules
        lap("open")
        let saved = try log.checkpointState(atOrBefore: instant)
        lap("checkpoint_read")
        // As `show` does it (reading the checkpoint again): decoding it, then the events after it.
        let p = try log.projector(at: instant, rules: rules)
        lap("checkpoint_decode_and_tail")
        print("tail_events \(p.lastSeq - (saved?.seq ?? 0))")
        guard let saved else { return }
        let rounds = Int(ProcessInfo.processInfo.environment["SYNCSIM_BENCH_ROUNDS"] ?? "1") ?? 1
        let start = try log.restore(saved)
        let ms = { (t: Double) in String(format: "%.1f", t * 1000) }
        print("snapshot_encode_ms \(ms(median(rounds: rounds) { _ = start.snapshot() }))")
        // As an import takes them: the names and rejections encoded by an earlier snapshot.
        let cache = Projector.SnapshotCache()
        _ = start.snapshot(reusing: cache)
        print("snapshot_encode_cached_ms \(ms(median(rounds: rounds) { _ = start.snapshot(reusing: cache) }))")
        print("snapshot_decode_ms \(ms(median(rounds: rounds) { _ = Projector(snapshot: saved.state) }))")
        print("snapshot_decode_contacts_ms \(ms(median(rounds: rounds) { _ = Projector.snapshotContacts(saved.state) }))")
        let part = Projector.snapshotContacts(saved.state)
        print("snapshot_decode_rest_ms \(ms(median(rounds: rounds) { _ = Projector(snapshot: saved.state, contacts: { part }) }))")
    }
default:
    print(usage)
    exit(2)
}
