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
        var out: [Event] = []
        out.reserveCapacity(seqs.count)
        do {
            try queue.read { db in try Self.read(seqs, in: db, path: path) { out.append($0); return true } }
        } catch {
            throw Self.readFailure(path, error)
        }
        return out
    }

    /// Runs `body` with an iterator over the events with these sequence numbers (in increasing
    /// order), read and decoded on a thread of their own while `body` takes them.
    public func withEvents<T>(seqs: [Int], _ body: (inout EventIterator) throws -> T) throws -> T {
        let (queue, path) = (self.queue, self.path)
        return try withEvents(from: { pipe in
            var batch: [Event] = []
            batch.reserveCapacity(BatchPipe<Event>.batchSize)
            var failure: StoreError?
            do {
                try queue.read { db in
                    try Self.read(seqs, in: db, path: path) { event in
                        batch.append(event)
                        guard batch.count == BatchPipe<Event>.batchSize else { return true }
                        defer { batch.removeAll(keepingCapacity: true) }
                        return pipe.put(batch)
                    }
                }
            } catch {
                failure = Self.readFailure(path, error)
            }
            if !batch.isEmpty { _ = pipe.put(batch) }
            pipe.finish(failure)
        }, body)
    }

    /// Reads the events with sequence numbers `seqs` (increasing) and hands each to `take`,
    /// until it returns false. One cursor walks the rows in sequence order, decoding the wanted
    /// ones in place from SQLite's buffer; it seeks again only across a long run of rows not
    /// wanted (stepping over a row costs a fraction of a seek).
    private static func read(_ seqs: [Int], in db: Database, path: String, take: (Event) throws -> Bool) throws {
        precondition(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "sequence numbers in increasing order")
        let statement = try db.makeStatement(sql: "SELECT seq, payload FROM events WHERE seq >= ? ORDER BY seq")
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        var at = -1  // the row the cursor is on
        for seq in seqs {
            if at < 0 || seq - at > 24 {
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
            let event: Event
            do throws(DecodeError) {
                event = try Event(canonicalUTF8: payload)
            } catch {
                throw StoreError.corrupt(path: path, seq: seq, reason: "bad payload: \(error.message)")
            }
            guard try take(event) else { return }
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
