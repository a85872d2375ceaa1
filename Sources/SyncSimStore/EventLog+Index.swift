import Foundation
import GRDB
import GRDBSQLite
import SyncSimCore

/// The log's index of events by name (``EventIndex``), written with the events it covers.
extension EventLog {
    /// The index's pieces, in order, when they cover every event of the log without a gap;
    /// nil otherwise (a log written before the index, or not indexed to its end).
    public func indexPieces() throws(StoreError) -> [[UInt8]]? {
        do {
            return try queue.read { db -> [[UInt8]]? in
                guard try db.tableExists("event_index") else { return nil }
                let last = try Int.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
                var next = 1
                var pieces: [[UInt8]] = []
                let rows = try GRDB.Row.fetchCursor(db, sql: "SELECT first, last, piece FROM event_index ORDER BY first")
                while let r = try rows.next() {
                    guard r[0] as Int == next else { return nil }
                    next = (r[1] as Int) + 1
                    pieces.append(Array(r[2] as Data))
                }
                return next == last + 1 ? pieces : nil
            }
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// The sequence number of the log's last Dynamics event, if it has one.
    public func lastDynamicsSeq() throws(StoreError) -> Int? {
        let types = EventType.allCases.filter(\.isDynamics).map { "'\($0.name)'" }.joined(separator: ", ")
        do {
            return try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT seq FROM events WHERE seq > 0 AND type IN (\(types)) ORDER BY seq DESC LIMIT 1")
            }
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// The events with these sequence numbers (in increasing order), in that order.
    public func events(seqs: [Int]) throws(StoreError) -> [Event] {
        precondition(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "sequence numbers in increasing order")
        do {
            return try queue.read { db in
                // One cursor walks the rows in sequence order, decoding the wanted ones in place
                // from SQLite's buffer; it seeks again only across a long run of rows not wanted.
                let statement = try db.makeStatement(sql: "SELECT seq, payload FROM events WHERE seq >= ? ORDER BY seq")
                let s = statement.sqliteStatement
                defer { sqlite3_reset(s) }
                var out: [Event] = []
                out.reserveCapacity(seqs.count)
                var at = -1  // the row the cursor is on
                for seq in seqs {
                    if at < 0 || seq - at > 64 {
                        sqlite3_reset(s)
                        sqlite3_bind_int64(s, 1, Int64(seq))
                        at = seq - 1
                    }
                    while at < seq {
                        let rc = sqlite3_step(s)
                        guard rc == SQLITE_ROW else {
                            if rc == SQLITE_DONE { throw StoreError.corrupt(path: path, seq: seq, reason: "missing from the log") }
                            throw db.sqliteError(rc)
                        }
                        at = Int(sqlite3_column_int64(s, 0))
                    }
                    guard at == seq else { throw StoreError.corrupt(path: path, seq: seq, reason: "missing from the log") }
                    let blob = sqlite3_column_blob(s, 1)
                    let payload = UnsafeBufferPointer(start: blob?.assumingMemoryBound(to: UInt8.self),
                                                      count: blob == nil ? 0 : Int(sqlite3_column_bytes(s, 1)))
                    do throws(DecodeError) {
                        out.append(try Event(canonicalUTF8: payload))
                    } catch {
                        throw StoreError.corrupt(path: path, seq: seq, reason: "bad payload: \(error.message)")
                    }
                }
                return out
            }
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// The stored index pieces' ranges, for `verify`.
    func indexRanges() throws -> [(first: Int, last: Int)] {
        try queue.read { db in
            guard try db.tableExists("event_index") else { return [] }
            return try GRDB.Row.fetchAll(db, sql: "SELECT first, last FROM event_index ORDER BY first").map { ($0[0], $0[1]) }
        }
    }

    /// The stored index piece that starts at `first`.
    static func indexPiece(first: Int, in db: Database) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT piece FROM event_index WHERE first = ?", arguments: [first]).map(Array.init)
    }
}
