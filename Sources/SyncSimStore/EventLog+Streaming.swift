import Foundation
import GRDB
import GRDBSQLite
import SyncSimCore

/// Batches of decoded events handed from the thread that reads and decodes a log to the
/// thread that folds them, so that the two overlap on two cores. Bounded: the reader waits
/// when the folder is behind, so memory stays at a few batches.
final class EventPipe: @unchecked Sendable {
    static let batchSize = 1024
    static let capacity = 8
    private let condition = NSCondition()
    private var batches: [[Event]] = []
    private var finished = false
    private var cancelled = false
    private var failure: StoreError?

    /// Hands over a batch; false when the reader should stop (the folder is gone).
    func put(_ batch: [Event]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// Ends the stream, with the problem that ended it if any.
    func finish(_ failure: StoreError?) {
        condition.lock()
        self.failure = failure
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch; nil at the end, with the problem that ended the stream if any.
    func take() -> (batch: [Event]?, failure: StoreError?) {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return (nil, failure) }
        let batch = batches.removeFirst()
        condition.broadcast()
        return (batch, nil)
    }

    /// Tells the reader to stop.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

extension EventLog {
    /// Iterates a log's events in sequence order straight from SQLite. A second thread reads and
    /// decodes the rows a batch ahead, so a replay holds a few batches of events in memory.
    public struct EventIterator: IteratorProtocol {
        fileprivate let pipe: EventPipe
        private var batch: [Event] = []
        private var index = 0
        /// The first problem met; iteration stops there.
        public fileprivate(set) var failure: StoreError?

        fileprivate init(pipe: EventPipe) { self.pipe = pipe }

        public mutating func next() -> Event? {
            if index < batch.count {
                defer { index += 1 }
                return batch[index]
            }
            guard failure == nil else { return nil }
            let (next, failure) = pipe.take()
            guard let next, !next.isEmpty else {
                self.failure = failure
                batch = []
                index = 0
                return nil
            }
            batch = next
            index = 1
            return next[0]
        }
    }

    /// Runs `body` with an iterator over the events after sequence number `after` (by default
    /// all of them, not the header), read inside one read transaction.
    public func withEvents<T>(after: Int = 0, _ body: (inout EventIterator) throws -> T) throws -> T {
        let pipe = EventPipe()
        let done = DispatchSemaphore(value: 0)
        let (queue, path) = (self.queue, self.path)
        let reader = Thread {
            Self.read(queue: queue, path: path, after: after, into: pipe)
            done.signal()
        }
        reader.start()
        defer {
            pipe.cancel()
            done.wait()
        }
        var iterator = EventIterator(pipe: pipe)
        let result = try body(&iterator)
        if let failure = iterator.failure { throw failure }
        return result
    }

    /// Reads and decodes the events after `after` into `pipe`, checking that sequence numbers follow.
    private static func read(queue: DatabaseQueue, path: String, after: Int, into pipe: EventPipe) {
        var failure: StoreError?
        do {
            try queue.read { db in
                let statement = try db.makeStatement(sql: "SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq")
                let s = statement.sqliteStatement
                sqlite3_bind_int64(s, 1, Int64(after))
                defer { sqlite3_reset(s) }
                var expected = after + 1
                var batch: [Event] = []
                batch.reserveCapacity(EventPipe.batchSize)
                var bytes: [UInt8] = []
                while true {
                    let rc = sqlite3_step(s)
                    if rc == SQLITE_DONE { break }
                    guard rc == SQLITE_ROW else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                    guard Int(sqlite3_column_int64(s, 0)) == expected else {
                        failure = .corrupt(path: path, seq: expected, reason: "missing from the log")
                        break
                    }
                    let n = Int(sqlite3_column_bytes(s, 1))
                    bytes.removeAll(keepingCapacity: true)
                    if n > 0, let p = sqlite3_column_blob(s, 1) {
                        bytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
                    }
                    do throws(DecodeError) {
                        batch.append(try Event(canonicalUTF8: bytes))
                    } catch {
                        failure = .corrupt(path: path, seq: expected, reason: "bad payload: \(error.message)")
                        break
                    }
                    expected += 1
                    if batch.count == EventPipe.batchSize {
                        guard pipe.put(batch) else { return }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { _ = pipe.put(batch) }
            }
        } catch let e as StoreError {
            failure = e
        } catch {
            failure = .database(path: path, reason: EventLog.describe(error))
        }
        pipe.finish(failure)
    }

    /// The projector of the latest checkpoint taken at or before `instant`, if the log has one.
    public func checkpoint(atOrBefore instant: Seconds) throws(StoreError) -> Projector? {
        do {
            return try queue.read { db -> Projector? in
                // The sequence number first, then one state: selecting the states with the search would
                // copy every matching multi-megabyte blob into a sorter.
                guard try db.tableExists("checkpoints"),
                      let seq = try Int.fetchOne(db, sql: "SELECT max(seq) FROM checkpoints WHERE at <= ?", arguments: [instant]),
                      let state = try Data.fetchOne(db, sql: "SELECT state FROM checkpoints WHERE seq = ?", arguments: [seq])
                else { return nil }
                guard let p = Projector(snapshot: [UInt8](state)), p.lastSeq == seq else {
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
