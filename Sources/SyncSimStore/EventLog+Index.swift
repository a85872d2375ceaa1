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

    /// The events with these sequence numbers (in increasing order), in that order; with
    /// `key`, only those whose stored text has `"key":` (the others are not decoded: a rule
    /// change takes the slow decoder, and a log can hold thousands).
    public func events(seqs: [Int], havingKey key: String? = nil) throws(StoreError) -> [Event] {
        var out: [Event] = []
        out.reserveCapacity(seqs.count)
        let pattern = key.map { Array("\"\($0)\":".utf8) }
        do {
            try queue.read { db in try Self.read(seqs, in: db, path: path, having: pattern) { out.append($0); return true } }
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
    /// until it returns false. One blob handle moves from row to row (`sqlite3_blob_reopen`
    /// seeks the table's tree straight to the row): a scope's rows are scattered over the log,
    /// and a cursor would step over every row between them.
    private static func read(_ seqs: [Int], in db: Database, path: String, having pattern: [UInt8]? = nil,
                             take: (Event) throws -> Bool) throws {
        precondition(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "sequence numbers in increasing order")
        guard let first = seqs.first else { return }
        var blob: OpaquePointer?
        defer { sqlite3_blob_close(blob) }
        func failure(_ rc: Int32, _ seq: Int) -> Error {
            // A row that is not there is SQLITE_ERROR; damage is SQLITE_CORRUPT, told as such.
            rc == SQLITE_ERROR ? StoreError.corrupt(path: path, seq: seq, reason: "missing from the log") : db.sqliteError(rc)
        }
        let rc = sqlite3_blob_open(db.sqliteConnection, "main", "events", "payload", Int64(first), 0, &blob)
        guard rc == SQLITE_OK else { throw failure(rc, first) }
        var buffer = [UInt8](repeating: 0, count: 1 << 12)
        for (i, seq) in seqs.enumerated() {
            if i > 0 {
                let rc = sqlite3_blob_reopen(blob, Int64(seq))
                guard rc == SQLITE_OK else { throw failure(rc, seq) }
            }
            let count = Int(sqlite3_blob_bytes(blob))
            if count > buffer.count { buffer = [UInt8](repeating: 0, count: count) }
            let rc = buffer.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(count), 0) }
            guard rc == SQLITE_OK else { throw failure(rc, seq) }
            if let pattern, !buffer.withUnsafeBufferPointer({ Self.has(pattern, in: UnsafeBufferPointer(rebasing: $0[..<count])) }) { continue }
            let event: Event
            do throws(DecodeError) {
                event = try buffer.withUnsafeBufferPointer { p throws(DecodeError) in
                    try Event(canonicalUTF8: UnsafeBufferPointer(rebasing: p[..<count]))
                }
            } catch {
                throw StoreError.corrupt(path: path, seq: seq, reason: "bad payload: \(error.message)")
            }
            guard try take(event) else { return }
        }
    }

    /// Whether `pattern` occurs in `bytes`.
    private static func has(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        for i in 0...(bytes.count - pattern.count) where bytes[i] == first {
            if pattern.indices.allSatisfy({ bytes[i + $0] == pattern[$0] }) { return true }
        }
        return false
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
