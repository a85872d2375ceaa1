import Foundation
import GRDB
import SyncSimCore

extension EventLog {
    /// Iterates a log's events in sequence order straight from SQLite, decoding each
    /// as it comes, so a replay holds one event at a time in memory.
    public struct EventIterator: IteratorProtocol {
        fileprivate let cursor: RowCursor
        fileprivate let path: String
        fileprivate var expected: Int
        /// The first problem met; iteration stops there.
        public fileprivate(set) var failure: StoreError?

        public mutating func next() -> Event? {
            guard failure == nil else { return nil }
            do {
                guard let r = try cursor.next() else { return nil }
                let seq: Int = r[0]
                guard seq == expected else {
                    failure = .corrupt(path: path, seq: expected, reason: "missing from the log")
                    return nil
                }
                expected += 1
                let payload: String = r[1]
                return try Event(canonicalJSON: payload)
            } catch let e as DecodeError {
                failure = .corrupt(path: path, seq: expected - 1, reason: "bad payload: \(e.message)")
            } catch {
                failure = .database(path: path, reason: EventLog.describe(error))
            }
            return nil
        }
    }

    /// Runs `body` with an iterator over the events after sequence number `after` (by default
    /// all of them, not the header), inside one read transaction.
    public func withEvents<T>(after: Int = 0, _ body: (inout EventIterator) throws -> T) throws -> T {
        try queue.read { db in
            let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq", arguments: [after])
            var iterator = EventIterator(cursor: cursor, path: path, expected: after + 1)
            let result = try body(&iterator)
            if let failure = iterator.failure { throw failure }
            return result
        }
    }

    /// The projector of the latest checkpoint taken at or before `instant`, if the log has one.
    public func checkpoint(atOrBefore instant: Seconds) throws(StoreError) -> Projector? {
        do {
            return try queue.read { db -> Projector? in
                guard try db.tableExists("checkpoints"),
                      let row = try GRDB.Row.fetchOne(db, sql: "SELECT seq, state FROM checkpoints WHERE at <= ? ORDER BY seq DESC LIMIT 1", arguments: [instant])
                else { return nil }
                let seq: Int = row[0]
                let state: Data = row[1]
                guard let p = Projector(snapshot: Array(state)), p.lastSeq == seq else {
                    throw StoreError.corrupt(path: path, seq: seq, reason: "its checkpoint does not decode")
                }
                return p
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(path: path, reason: Self.describe(error))
        }
    }

    /// Every checkpoint's sequence number and state, in order (for verify).
    func checkpoints() throws -> [(seq: Int, state: [UInt8])] {
        try queue.read { db in
            guard try db.tableExists("checkpoints") else { return [] }
            return try GRDB.Row.fetchAll(db, sql: "SELECT seq, state FROM checkpoints ORDER BY seq").map { r in
                let d: Data = r[1]
                return (r[0], Array(d))
            }
        }
    }

    /// The instant of the last event, nil for a log without events.
    public func lastEventAt() throws(StoreError) -> Seconds? {
        do {
            return try queue.read { db in try Seconds.fetchOne(db, sql: "SELECT max(at) FROM events WHERE seq > 0") }
        } catch {
            throw .database(path: path, reason: Self.describe(error))
        }
    }
}
