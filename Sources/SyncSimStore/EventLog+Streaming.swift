import Foundation
import GRDB
import GRDBSQLite
import SyncSimCore

extension EventLog {
    /// Iterates a log's events in sequence order straight from SQLite. A second thread reads and
    /// decodes the rows a batch ahead, so a replay holds a few batches of events in memory.
    public struct EventIterator: IteratorProtocol {
        fileprivate let pipe: BatchPipe<Event>
        fileprivate let path: String
        private var batch: [Event] = []
        private var index = 0
        /// The first problem met; iteration stops there.
        public fileprivate(set) var failure: StoreError?

        fileprivate init(pipe: BatchPipe<Event>, path: String) {
            self.pipe = pipe
            self.path = path
        }

        public mutating func next() -> Event? {
            if index < batch.count {
                defer { index += 1 }
                return batch[index]
            }
            guard failure == nil else { return nil }
            if !batch.isEmpty { pipe.giveBack(batch) }
            let (next, failure) = pipe.take()
            guard let next, !next.isEmpty else {
                // The reading thread ends only with store errors; anything else is reported as one.
                self.failure = failure.map { EventLog.readFailure(path, $0) }
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
    /// all of them, not the header) and up to `through` (by default to the end), read inside one
    /// read transaction. The reading thread holds
    /// this log's connection until `body` returns, so `body` must not call this log's other
    /// methods (they would wait for it, and it for them).
    /// `first`, if given, runs on the reading thread before it reads.
    public func withEvents<T>(after: Int = 0, through: Int = .max, first: (@Sendable () -> Void)? = nil,
                              _ body: (inout EventIterator) throws -> T) throws -> T {
        let (queue, path) = (self.queue, self.path)
        return try withEvents(from: { pipe in
            first?()
            Self.read(queue: queue, path: path, after: after, through: through, into: pipe)
        }, body)
    }

    /// Runs `body` with an iterator over the events that `produce` puts in a pipe, on a thread
    /// of its own; a failure of the reading is thrown once `body` returns.
    func withEvents<T>(from produce: @escaping @Sendable (BatchPipe<Event>) -> Void,
                       _ body: (inout EventIterator) throws -> T) throws -> T {
        let pipe = BatchPipe<Event>()
        let stop = pipe.start(produce)
        defer { stop() }
        var iterator = EventIterator(pipe: pipe, path: path)
        let result = try body(&iterator)
        if let failure = iterator.failure { throw failure }
        return result
    }

    /// Reads and decodes the events after `after` and up to `through` into `pipe`.
    private static func read(queue: DatabaseQueue, path: String, after: Int, through: Int, into pipe: BatchPipe<Event>) {
        var failure: StoreError?
        do {
            try queue.read { db in
                var rows = try EventRows(db, path: path, after: after, through: through)
                var batch: [Event] = []
                batch.reserveCapacity(BatchPipe<Event>.batchSize)
                do {
                    while let event = try rows.next() {
                        batch.append(event)
                        if batch.count == BatchPipe<Event>.batchSize {
                            guard pipe.put(batch) else { return }
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                } catch {
                    // The events read before a damaged row are handed on before the failure.
                    if !batch.isEmpty { _ = pipe.put(batch) }
                    throw error
                }
                if !batch.isEmpty { _ = pipe.put(batch) }
            }
        } catch {
            failure = EventLog.readFailure(path, error)
        }
        pipe.finish(failure)
    }

    /// The log's events read on the thread that iterates them, with no reading thread: for a
    /// caller that already keeps every core busy (each side of a diff folds on a thread of
    /// its own). Iteration stops at the first problem, kept in ``failure``.
    public struct InlineEventIterator: IteratorProtocol {
        fileprivate var rows: EventRows
        fileprivate let path: String
        public fileprivate(set) var failure: StoreError?

        public mutating func next() -> Event? {
            guard failure == nil else { return nil }
            do {
                return try rows.next()
            } catch {
                failure = EventLog.readFailure(path, error)
                return nil
            }
        }
    }

    /// Runs `body` with an iterator that reads the events after `after` (by default all of
    /// them, not the header) on the thread that iterates it, inside one read transaction; a
    /// failure of the reading is thrown once `body` returns. `body` may hand the iterator to
    /// another thread, one thread at a time, and must not call this log's other methods.
    public func withEventsInline<T>(after: Int = 0, _ body: (inout InlineEventIterator) throws -> T) throws -> T {
        let path = self.path
        let (result, failure) = try queue.read { db in
            var iterator = InlineEventIterator(rows: try EventRows(db, path: path, after: after, through: .max), path: path)
            let result = try body(&iterator)
            return (result, iterator.failure)
        }
        if let failure { throw failure }
        return result
    }

    /// A stored checkpoint: the sequence number of the last event it covers and its snapshot bytes.
    public struct Checkpoint: Sendable {
        public var seq: Int
        public var state: [UInt8]
    }

    /// The latest checkpoint taken at or before `instant`, if the log has one, not decoded yet.
    public func checkpointState(atOrBefore instant: Seconds) throws(StoreError) -> Checkpoint? {
        do {
            return try queue.read { db -> Checkpoint? in
                // The sequence number first, then one state: selecting the states with the search would
                // copy every matching multi-megabyte blob into a sorter.
                guard try db.tableExists("checkpoints"),
                      let seq = try Int.fetchOne(db, sql: "SELECT max(seq) FROM checkpoints WHERE at <= ?", arguments: [instant]),
                      let bytes = try Self.checkpointState(seq: seq, in: db)
                else { return nil }
                // A checkpoint of an older format is passed over: the events are replayed instead.
                return Projector.isCurrentSnapshot(bytes) ? Checkpoint(seq: seq, state: bytes) : nil
            }
        } catch let bad as BadPatch {
            throw .corrupt(path: path, seq: bad.seq, reason: bad.reason)
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// A checkpoint stored as a patch that does not give a snapshot.
    struct BadPatch: Error {
        var seq: Int
        var reason: String
    }

    /// The projector a checkpoint stands for. Its contacts decode on a second thread while
    /// this one decodes the rest.
    public func restore(_ checkpoint: Checkpoint) throws(StoreError) -> Projector {
        let pipe = Self.contactsPipe()
        let stop = pipe.start(Self.decodeContacts(of: checkpoint))
        defer { stop() }
        return try restore(checkpoint, contacts: pipe)
    }

    /// A pipe for the contacts of a checkpoint, decoded on another thread.
    static func contactsPipe() -> BatchPipe<Projector.SnapshotContacts> { BatchPipe(capacity: 1) }

    /// What decodes the contacts of `checkpoint` into a pipe (nothing if they do not decode).
    static func decodeContacts(of checkpoint: Checkpoint?) -> @Sendable (BatchPipe<Projector.SnapshotContacts>) -> Void {
        let state = checkpoint?.state
        return { pipe in
            if let state, let part = Projector.snapshotContacts(state) { pipe.put([part]) }
            pipe.finish(nil)
        }
    }

    /// The projector a checkpoint stands for, with its contacts from `pipe` (decoded here if
    /// the pipe has none).
    func restore(_ checkpoint: Checkpoint, contacts pipe: BatchPipe<Projector.SnapshotContacts>) throws(StoreError) -> Projector {
        let restored = Projector(snapshot: checkpoint.state, contacts: { pipe.take().batch?.first })
        guard let p = restored, p.lastSeq == checkpoint.seq else {
            throw .corrupt(path: path, seq: checkpoint.seq, reason: "its checkpoint does not decode")
        }
        return p
    }

    /// The projection state at `instant`: from the latest checkpoint at or before it, then the
    /// events after it up to the instant. A second thread decodes the checkpoint's contacts, then
    /// reads those events, while this one decodes the rest of the checkpoint (two threads for two
    /// cores: a third, for the contacts alone, only contended with them). `rules`
    /// are the log's own (checkpoints were taken under them). `progress` is told how many events
    /// there are after the checkpoint, and returns what to tell of each one applied.
    public func projector(at instant: Seconds, rules: SyncRules,
                          progress: (_ remaining: Int) -> (_ folded: Int) -> Void = { _ in { _ in } }) throws -> Projector {
        // With the reference in shadow, the fold starts at the first event, where it can follow.
        let saved = ShadowReference.isOn ? nil : try checkpointState(atOrBefore: instant)
        let after = saved?.seq ?? 0
        // Only the events up to the instant are read: the reading thread does not decode a
        // few batches past it while the fold stops there.
        let through = try lastSeq(atOrBefore: instant, after: after)
        let folded = progress(through - after)
        let contacts = Self.contactsPipe()
        let decode = Self.decodeContacts(of: saved)
        return try withEvents(after: after, through: through, first: { decode(contacts) }) { events in
            let start = try saved.map { c throws(StoreError) in try restore(c, contacts: contacts) } ?? Projector(rules: rules)
            var counted = CountingIterator(base: events, folded: folded)
            let projector = Simulation.fold(from: start, events: &counted, through: instant)
            events = counted.base  // hand back any read failure for `withEvents` to report
            return projector
        }
    }

    /// Counts the events taken from an iterator.
    private struct CountingIterator: IteratorProtocol {
        var base: EventIterator
        let folded: (Int) -> Void
        var count = 0

        mutating func next() -> Event? {
            guard let e = base.next() else { return nil }
            count += 1
            folded(count)
            return e
        }
    }

    /// The snapshot of the checkpoint at `seq`, nil if there is none. A checkpoint stored as a
    /// patch (``Projector/checkpoint(reusing:)``) stands for the snapshot of the checkpoint it
    /// patches, patched: the patches are read back to a whole snapshot (or `known`'s) and applied
    /// in one pass; one that does not apply throws ``BadPatch``.
    static func checkpointState(seq: Int, in db: Database, known: Checkpoint? = nil) throws -> [UInt8]? {
        guard let stored = try storedCheckpoint(seq: seq, in: db) else { return nil }
        var chain: [(seq: Int, patch: [UInt8])] = []
        var current = (seq: seq, bytes: stored)
        while let base = Projector.patchBase(current.bytes) {
            chain.append((current.seq, current.bytes))
            // Each patch names an earlier checkpoint: a damaged log cannot make the reading go round.
            guard base < current.seq else {
                throw BadPatch(seq: current.seq, reason: "its checkpoint patches checkpoint \(base), not an earlier one")
            }
            if let known, known.seq == base {
                current = (base, known.state)
            } else if let bytes = try storedCheckpoint(seq: base, in: db) {
                current = (base, bytes)
            } else {
                throw BadPatch(seq: current.seq, reason: "its checkpoint patches checkpoint \(base), which the log does not hold")
            }
        }
        guard !chain.isEmpty else { return stored }
        chain.reverse()
        if let state = Projector.applyPatches(chain.map(\.patch), to: current.bytes) { return state }
        // Which one does not apply: applied one by one, the first that fails.
        var (state, stateSeq) = (current.bytes, current.seq)
        for link in chain {
            guard let next = Projector.applyPatch(link.patch, to: state) else {
                throw BadPatch(seq: link.seq, reason: "its checkpoint does not apply to checkpoint \(stateSeq), which it patches")
            }
            (state, stateSeq) = (next, link.seq)
        }
        return state
    }

    /// The bytes stored for the checkpoint at `seq` (a snapshot or a patch), nil if there is none,
    /// read straight from SQLite's pages into the array (a statement's column would first copy
    /// the multi-megabyte blob into a buffer of its own).
    static func storedCheckpoint(seq: Int, in db: Database) throws -> [UInt8]? {
        var blob: OpaquePointer?
        // `seq` is the table's rowid; a missing row is SQLITE_ERROR here, told apart below.
        guard sqlite3_blob_open(db.sqliteConnection, "main", "checkpoints", "state", Int64(seq), 0, &blob) == SQLITE_OK, let blob else {
            sqlite3_blob_close(blob)
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM checkpoints WHERE seq = ?", arguments: [seq]) == nil else {
                throw db.sqliteError(SQLITE_ERROR)
            }
            return nil
        }
        defer { sqlite3_blob_close(blob) }
        let count = Int(sqlite3_blob_bytes(blob))
        var rc = SQLITE_OK
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            rc = count == 0 ? SQLITE_OK : sqlite3_blob_read(blob, buffer.baseAddress, Int32(count), 0)
            initialized = rc == SQLITE_OK ? count : 0
        }
        guard rc == SQLITE_OK else { throw db.sqliteError(rc) }
        return bytes
    }

    /// The sequence numbers of every checkpoint, in order (for verify, which reads each state
    /// when its replay gets there: all of them at once would be hundreds of megabytes).
    func checkpointSeqs() throws -> [Int] {
        try queue.read { db in
            guard try db.tableExists("checkpoints") else { return [] }
            return try Int.fetchAll(db, sql: "SELECT seq FROM checkpoints ORDER BY seq")
        }
    }

    /// The sequence number of the last event at or before `instant` (`after` if none after it
    /// is): a binary search over the sequence numbers, since events are in non-decreasing `at`,
    /// rather than a scan of every row after `after`.
    public func lastSeq(atOrBefore instant: Seconds, after: Int = 0) throws(StoreError) -> Int {
        let last = try lastSeq()
        do {
            return try queue.read { db in
                let statement = try db.makeStatement(sql: "SELECT at FROM events WHERE seq = ?")
                var low = after  // at or before the instant (or the start)
                var high = last + 1  // past it
                while high - low > 1 {
                    let mid = low + (high - low) / 2
                    // A log with a missing row is read to its end, so the reading finds the gap and reports it.
                    guard let at = try Seconds.fetchOne(statement, arguments: [mid]) else { return last }
                    if at <= instant { low = mid } else { high = mid }
                }
                return low
            }
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// The instant of the last event, nil for a log without events (events are in non-decreasing
    /// `at`, so it is also the latest).
    public func lastEventAt() throws(StoreError) -> Seconds? {
        do {
            return try queue.read { db in try Seconds.fetchOne(db, sql: "SELECT at FROM events WHERE seq > 0 ORDER BY seq DESC LIMIT 1") }
        } catch {
            throw Self.readFailure(path, error)
        }
    }
}

/// A statement stepping over the log's events in sequence order, checking that the numbers
/// follow and decoding each row in place from SQLite's buffer.
struct EventRows {
    private let db: Database
    private let statement: Statement
    private let path: String
    private var expected: Int

    init(_ db: Database, path: String, after: Int, through: Int) throws {
        self.db = db
        statement = try db.makeStatement(sql: "SELECT seq, payload FROM events WHERE seq > ? AND seq <= ? ORDER BY seq")
        sqlite3_bind_int64(statement.sqliteStatement, 1, Int64(after))
        sqlite3_bind_int64(statement.sqliteStatement, 2, Int64(through))
        self.path = path
        expected = after + 1
    }

    /// The next event, nil after the last; a damaged or missing row throws.
    mutating func next() throws -> Event? {
        let s = statement.sqliteStatement
        let rc = sqlite3_step(s)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw db.sqliteError(rc) }
        guard Int(sqlite3_column_int64(s, 0)) == expected else {
            throw StoreError.corrupt(path: path, seq: expected, reason: "missing from the log")
        }
        // Decoded in place, from SQLite's buffer (valid until the next step).
        let blob = sqlite3_column_blob(s, 1)
        let payload = UnsafeBufferPointer(start: blob?.assumingMemoryBound(to: UInt8.self),
                                          count: blob == nil ? 0 : Int(sqlite3_column_bytes(s, 1)))
        do throws(DecodeError) {
            let event = try Event(canonicalUTF8: payload)
            expected += 1
            return event
        } catch {
            throw StoreError.corrupt(path: path, seq: expected, reason: "bad payload: \(error.message)")
        }
    }
}
