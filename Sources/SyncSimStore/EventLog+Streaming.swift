import GRDB
import SyncSimCore

extension EventLog {
    /// Iterates a log's events in sequence order straight from SQLite, decoding each
    /// as it comes, so a replay holds one event at a time in memory.
    public struct EventIterator: IteratorProtocol {
        fileprivate let cursor: RowCursor
        fileprivate let path: String
        fileprivate var expected = 1
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

    /// Runs `body` with an iterator over the events (not the header), inside one read transaction.
    public func withEvents<T>(_ body: (inout EventIterator) throws -> T) throws -> T {
        try queue.read { db in
            let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT seq, payload FROM events WHERE seq > 0 ORDER BY seq")
            var iterator = EventIterator(cursor: cursor, path: path)
            let result = try body(&iterator)
            if let failure = iterator.failure { throw failure }
            return result
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
