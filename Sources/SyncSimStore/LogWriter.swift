import CWriteback
import Foundation
import GRDB
import GRDBSQLite
import SyncSimCore

/// Appends a new log's rows: the header first, then events in batches of
/// ``EventLog/batchSize``, each batch one transaction. The log is created at
/// its path (never over an existing file); if the writer is abandoned before
/// ``finish()``, the file is removed, so bad input leaves nothing behind.
public final class LogWriter {
    public let path: String
    private var queue: DatabaseQueue?
    /// The hash of the last committed row: the chain is computed on the commit thread, in order.
    private let chain = Chain()
    /// Sequence number of the last row appended.
    public var seq: Int { batch.last }
    private var batch = Rows(after: 0, capacity: 1)
    private let committer = Committer()
    private var checkpoints: [(seq: Int, at: Seconds, state: [UInt8])] = []
    private var finished = false
    /// Set when closing the log met an input/output error (see ``abandon()``).
    private var stoppedByIO = false
    /// Whether this writer created the file (and so may remove it).
    private var ownsFile = false

    /// Rows with consecutive sequence numbers, column by column, their payloads end to end in
    /// one buffer: a batch is a few allocations, not one per event (made on the reading thread
    /// and freed on the commit thread, those contended for the allocator's locks).
    struct Rows: Sendable {
        /// The sequence number of the last row (while there is none, of the last row of the rows before).
        var last: Int
        var at: [Seconds] = []
        /// The index of each row's type in ``LogWriter/typeNames``.
        var type: [UInt8] = []
        var payloads: PackedBytes
        /// The rejected rows (by index in the batch) and their reasons, in order.
        var rejected: [(row: Int, reason: String)] = []
        /// The events, for the commit thread to index (``EventIndex``); none for the header.
        var indexed: [Event] = []

        var count: Int { at.count }
        /// The sequence number of the first row.
        var first: Int { last - count + 1 }

        /// Rows that follow the row with sequence number `last`.
        init(after last: Int, capacity: Int) {
            self.last = last
            at.reserveCapacity(capacity)
            type.reserveCapacity(capacity)
            payloads = PackedBytes(count: capacity, bytes: 128 * capacity)  // a little more than most events take
        }

        /// Appends the row that follows the last; returns the number of rows.
        @discardableResult
        mutating func append(at instant: Seconds, type index: Int, payload: UnsafeBufferPointer<UInt8>, rejected reason: String?) -> Int {
            last += 1
            if let reason { rejected.append((count, reason)) }
            at.append(instant)
            type.append(UInt8(index))
            payloads.append(payload)
            return count
        }
    }

    /// The hash of the last row, touched only by commits (which run one after another).
    final class Chain: @unchecked Sendable {
        var previous = HashChain.genesis
        /// The sequence number of the last committed row (-1: none, 0: the header).
        var committed = -1
    }

    /// The `type` column's texts: the event types' (``Event/Kind/typeNames``, by index), then the
    /// header's, as C strings made once (binding a Swift string converts it on every row).
    /// Never freed nor written to after they are made, so shared by every thread.
    nonisolated(unsafe) static let typeNames: [UnsafePointer<CChar>] = (Event.Kind.typeNames + ["log.header"]).map { UnsafePointer(strdup($0)!) }
    static let headerType = Event.Kind.typeNames.count

    /// The lock that keeps a second writer out of a log while this one writes.
    private var lockFD: Int32 = -1

    /// Seconds a writer waits for another writer of the same log before giving up.
    public static let lockTimeout: Double = Double(ProcessInfo.processInfo.environment["SYNCSIM_LOCK_TIMEOUT"] ?? "") ?? 30

    /// Settings of a writing connection. The WAL is copied into the database every 100 pages
    /// (6.4 MB) rather than SQLite's 1,000: the commit thread does it as it goes, and closing the
    /// log no longer copies up to 64 MB on the main thread after the last batch.
    public static let writerPragmas = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 100"

    /// A new log is written without waiting for the disk at every copy of the WAL into the
    /// database (two `fsync`s each time), and made durable once, when ``finish()`` copies the
    /// last of it. A killed process loses nothing committed
    /// either way (the operating system holds what was written); only a machine that stops
    /// before the end of an import may leave a new log that `verify` refuses, to be imported
    /// again. A log that is appended to keeps ``writerPragmas``: what it already held is never
    /// put at risk.
    public static let newLogPragmas = "PRAGMA synchronous = OFF; PRAGMA wal_autocheckpoint = 100"

    /// Creates the log file at `path`, takes its writer lock and commits its header.
    public convenience init(path: String, header: LogHeader) throws(StoreError) {
        try self.init(path: path, deferredHeader: { header })
        do {
            try committer.drain()
        } catch {
            abandon()
            throw error
        }
    }

    /// Creates the log file at `path` and takes its writer lock; its header is made by `header`
    /// on the commit thread, as the first commit, so that a caller can go on before it is known
    /// (an import's stream digest, read on a thread of its own meanwhile). Events appended before
    /// wait for it; if `header` fails, a later call throws its error.
    public init(path: String, deferredHeader header: @escaping @Sendable () throws(StoreError) -> LogHeader) throws(StoreError) {
        self.path = path
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw .unusable(path: path, reason: "the directory \(dir) does not exist")
        }
        // O_EXCL: of two writers racing for one path, exactly one creates it.
        let fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw .exists(path: path, reason: "the file already exists; a log is never overwritten: choose a new path or remove it")
            }
            throw .unusable(path: path, reason: "cannot create the log: \(String(cString: strerror(errno)))")
        }
        ownsFile = true
        lockFD = fd
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            abandon()
            throw .unusable(path: path, reason: "another process took the log's lock as it was created")
        }
        do {
            let q = try DatabaseQueue(path: path, configuration: EventLog.configuration(readonly: false))
            queue = q
            try Schema.migrator.migrate(q)
            try q.writeWithoutTransaction { db in try db.execute(sql: Self.newLogPragmas) }
        } catch {
            abandon()
            if EventLog.isIOFailure(error) { throw .io(path: path, reason: "cannot create the log: \(EventLog.describe(error))", events: 0) }
            throw .database(path: path, reason: "cannot create the log: \(EventLog.describe(error))")
        }
        // The header is row 0 and a transaction of its own, so every later commit holds whole
        // batches of events.
        batch = Rows(after: 0, capacity: EventLog.batchSize)
        let (chain, path, queue) = (self.chain, path, queue!)
        do {
            try committer.submit { () throws(StoreError) in
                var row = Rows(after: -1, capacity: 1)
                _ = Array(CanonicalJSON.string(for: try header().json).utf8).withUnsafeBufferPointer { payload in
                    row.append(at: 0, type: Self.headerType, payload: payload, rejected: nil)
                }
                try Self.commit(row, [], chain: chain, to: queue, path: path)
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Takes the writer lock of the log at `path` without reading or changing the file:
    /// waits up to ``lockTimeout`` for a writer that holds it, or for a log another writer
    /// has just created (still empty). Returns the locked file descriptor.
    public static func lock(_ path: String) throws(StoreError) -> Int32 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unusable(path: path, reason: "cannot open the log: \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(lockTimeout)
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                var st = stat()
                if fstat(fd, &st) == 0, st.st_size > 0 { return fd }
                flock(fd, LOCK_UN)
            }
            if Date() >= deadline {
                close(fd)
                throw .busy(path: path, reason: "another syncsim process is writing this log; gave up after waiting \(Int(lockTimeout))s")
            }
            usleep(20_000)
        }
    }

    /// Opens an existing log to append to it; `lock` is the descriptor ``lock(_:)`` returned,
    /// which the writer now owns. The file is never removed by this writer.
    public init(appendingTo path: String, lock fd: Int32) throws(StoreError) {
        self.path = path
        lockFD = fd
        do {
            let q = try DatabaseQueue(path: path, configuration: EventLog.configuration(readonly: false))
            queue = q
            // A log of an earlier schema gains the later tables before anything is appended.
            try Schema.migrator.migrate(q)
            guard let last = try q.read({ db in try GRDB.Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") }) else {
                throw StoreError.corrupt(path: path, seq: 0, reason: "the log has no header")
            }
            batch = Rows(after: last[0], capacity: EventLog.batchSize)
            let hash: Data = last[1]
            chain.previous = Array(hash)
            try q.writeWithoutTransaction { db in try db.execute(sql: Self.writerPragmas) }
        } catch let e as StoreError {
            abandon()
            throw e
        } catch {
            abandon()
            throw .database(path: path, reason: "cannot open the log to append: \(EventLog.describe(error))")
        }
    }

    deinit {
        if !finished { abandon() }
    }

    /// The writing connection's `PRAGMA synchronous` (0: off, 1: normal), for tests.
    var synchronous: Int? {
        try? queue?.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    /// Appends an event; `rejected` is the reason if the rules reject it.
    public func append(_ event: Event, rejected: String?) throws(StoreError) {
        try append(at: event.at, typeIndex: event.kind.typeIndex, payload: event.canonicalBytes[...], rejected: rejected, indexing: event)
    }

    /// Appends an event by its instant, its type (``Event/Kind/typeIndex``) and its canonical
    /// JSON bytes (``Event/canonicalBytes``, already made; they are copied): for a caller that
    /// has handed the event itself on.
    public func append(at: Seconds, typeIndex: Int, payload: ArraySlice<UInt8>, rejected: String?, indexing event: Event) throws(StoreError) {
        batch.indexed.append(event)
        // The batch's count comes back from its append: one access to the property, not two (each
        // access to a class's stored property is checked for exclusivity at run time).
        let count = payload.withUnsafeBufferPointer { payload in
            batch.append(at: at, type: typeIndex, payload: payload, rejected: rejected)
        }
        if count >= EventLog.batchSize { try flush() }
    }

    /// Adds a projection snapshot taken after the last appended event, and commits it in
    /// the same transaction as the events it covers.
    public func checkpoint(state: [UInt8], at: Seconds) throws(StoreError) {
        checkpoints.append((seq, at, state))
        try flush()
    }

    /// Commits the rows appended since the last commit, in one transaction. The commit runs on
    /// the writer's commit thread while the caller goes on; a failure is thrown by a later call.
    public func flush() throws(StoreError) {
        guard batch.count > 0 || !checkpoints.isEmpty, let queue else { return }
        let rows = batch
        let snapshots = checkpoints
        batch = Rows(after: rows.last, capacity: EventLog.batchSize)
        checkpoints.removeAll()
        let (path, chain, fd) = (self.path, self.chain, lockFD)
        try committer.submit { () throws(StoreError) in
            try Self.commit(rows, snapshots, chain: chain, to: queue, path: path)
            Self.startWriteback(fd)
        }
    }

    /// Asks the kernel to start writing the database file's changed pages to the disk, without
    /// waiting for them. Nothing is durable sooner; but the sync that ends a new log's import
    /// then waits for the pages written since the last commit, not for the whole file. `fd` is the writer's
    /// lock, open on the database file until the writer is done.
    private static func startWriteback(_ fd: Int32) {
        // A hint: if the kernel refuses it, the last sync does all the writing, as it did.
        if fd >= 0 { _ = syncsim_start_writeback(fd) }
    }

    /// Chains and inserts `rows` and inserts `snapshots`, in one transaction.
    private static func commit(_ rows: Rows, _ snapshots: [(seq: Int, at: Seconds, state: [UInt8])], chain: Chain,
                               to queue: DatabaseQueue, path: String) throws(StoreError) {
        var previous = chain.previous
        do {
            try queue.write { db in
                if !snapshots.isEmpty {
                    // Bound in place: a checkpoint is megabytes, not worth a copy.
                    let statement = try db.cachedStatement(sql: "INSERT INTO checkpoints (seq, at, state) VALUES (?, ?, ?)")
                    let s = statement.sqliteStatement
                    for c in snapshots {
                        sqlite3_bind_int64(s, 1, Int64(c.seq))
                        sqlite3_bind_int64(s, 2, c.at)
                        let rc: Int32 = c.state.withUnsafeBytes { b in
                            sqlite3_bind_blob(s, 3, b.baseAddress, Int32(b.count), nil)
                            defer { sqlite3_reset(s) }
                            return sqlite3_step(s)
                        }
                        guard rc == SQLITE_DONE else {
                            throw db.sqliteError(rc)
                        }
                    }
                    sqlite3_clear_bindings(s)
                }
                // Most rows go in by statements of ``rowsPerInsert`` rows: a statement's step and
                // reset, and the seek for where its first row goes, are paid once for all of them.
                let one = try db.cachedStatement(sql: Self.insertOne).sqliteStatement
                let many = try db.cachedStatement(sql: Self.insertMany).sqliteStatement
                // The hashes of a statement's rows, bound in place until it has run.
                let hashes = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * Self.rowsPerInsert, alignment: 8)
                defer { hashes.deallocate() }
                var nextRejected = 0  // in rows.rejected
                try rows.payloads.bytes.withUnsafeBufferPointer { payloads in
                    var i = 0
                    while i < rows.count {
                        let n = rows.count - i >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
                        let s = n == 1 ? one : many
                        for j in 0..<n {
                            let row = i + j
                            let payload = UnsafeBufferPointer(rebasing: payloads[rows.payloads.range(row)])
                            var rejected: String?
                            if nextRejected < rows.rejected.count, rows.rejected[nextRejected].row == row {
                                rejected = rows.rejected[nextRejected].reason
                                nextRejected += 1
                            }
                            let seq = rows.first + row
                            HashChain.advance(&previous, seq: seq, payload: UnsafeRawBufferPointer(payload), rejected: rejected)
                            let hash = hashes.baseAddress! + 32 * j
                            previous.withUnsafeBytes { hash.copyMemory(from: $0.baseAddress!, byteCount: 32) }
                            let k = Int32(6 * j)
                            sqlite3_bind_int64(s, k + 1, Int64(seq))
                            sqlite3_bind_int64(s, k + 2, rows.at[row])
                            sqlite3_bind_text(s, k + 3, LogWriter.typeNames[Int(rows.type[row])], -1, nil)
                            // Every payload is a JSON object, so the buffer has an address.
                            sqlite3_bind_text(s, k + 4, UnsafeRawPointer(payload.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(payload.count), nil)
                            if let rejected {
                                sqlite3_bind_text(s, k + 5, rejected, -1, SQLITE_TRANSIENT)
                            } else {
                                sqlite3_bind_null(s, k + 5)
                            }
                            sqlite3_bind_blob(s, k + 6, hash, 32, nil)
                        }
                        let rc = sqlite3_step(s)
                        sqlite3_reset(s)
                        guard rc == SQLITE_DONE else {
                            throw db.sqliteError(rc)
                        }
                        i += n
                    }
                }
                // No pointer into the batch or the hashes outlives the commit.
                sqlite3_clear_bindings(one)
                sqlite3_clear_bindings(many)
                if !rows.indexed.isEmpty {
                    try db.execute(sql: "INSERT INTO event_index (first, last, piece) VALUES (?, ?, ?)",
                                   arguments: [rows.first, rows.last, Data(Self.indexPiece(rows.indexed, first: rows.first))])
                }
            }
            chain.previous = previous
            chain.committed = rows.last
        } catch {
            if EventLog.isIOFailure(error) {
                throw .io(path: path, reason: "cannot append to the log: \(EventLog.describe(error))", events: max(chain.committed, 0))
            }
            throw .database(path: path, reason: "cannot append to the log: \(EventLog.describe(error))")
        }
    }

    /// The index piece of the events numbered from `first`.
    static func indexPiece(_ events: [Event], first: Int) -> [UInt8] {
        var builder = EventIndex.Builder()
        for (i, e) in events.enumerated() { builder.add(e, seq: first + i) }
        return builder.encode()
    }

    /// Rows inserted by one statement, but for a batch's last few.
    static let rowsPerInsert = 64

    /// Inserts of one event and of ``rowsPerInsert`` events.
    static let insertOne = insertSQL(rows: 1), insertMany = insertSQL(rows: rowsPerInsert)

    /// `OR FAIL`: a statement of many rows that meets a conflict stops there, and the commit
    /// rolls back the whole transaction; with SQLite's default (`ABORT`) it would undo its own
    /// rows, and so copy each page it changes into a statement journal first (a temporary file:
    /// seven times the writes of the rows themselves).
    public static func insertSQL(rows: Int) -> String {
        "INSERT OR FAIL INTO events (seq, at, type, payload, rejected, hash) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    /// Commits what remains and closes the log.
    public func finish() throws(StoreError) {
        try flush()
        try committer.drain()
        do {
            try queue?.writeWithoutTransaction { db in
                // The settings of a log that is appended to: this last copy waits for the disk,
                // the WAL first, then the database, before the WAL is emptied.
                try db.execute(sql: Self.writerPragmas)
                _ = try db.checkpoint(.truncate)
            }
            try queue?.close()
        } catch {
            if EventLog.isIOFailure(error) {
                stoppedByIO = true
            throw .io(path: path, reason: "cannot close the log: \(EventLog.describe(error))", events: max(chain.committed, 0))
            }
            throw .database(path: path, reason: "cannot close the log: \(EventLog.describe(error))")
        }
        // SQLite syncs the database only when that last copy has pages to copy: when the commit
        // before had them all copied already (under `synchronous = OFF`, without a sync), a new
        // log was left to the operating system. Synced here, whatever the last copy did.
        guard fsync(lockFD) == 0 else {
            stoppedByIO = true
            throw .io(path: path, reason: "cannot write the log to the disk: \(String(cString: strerror(errno)))", events: max(chain.committed, 0))
        }
        queue = nil
        finished = true
        releaseLock()
    }

    /// Closes the log and releases its lock; removes the file if this writer created it, unless
    /// an input/output error (a full disk) stopped it after its header was committed: the events
    /// committed then stay, as a kill leaves them, for the same command to resume.
    public func abandon() {
        let failure = committer.drainedFailure()
        try? queue?.close()
        queue = nil
        finished = true
        if case .io = failure { stoppedByIO = true }
        if ownsFile, !(stoppedByIO && chain.committed >= 0) { EventLog.removeDatabaseFiles(path) }
        ownsFile = false
        releaseLock()
    }

    private func releaseLock() {
        if lockFD >= 0 {
            flock(lockFD, LOCK_UN)
            close(lockFD)
            lockFD = -1
        }
    }
}

/// Runs a writer's commits on a thread of their own, in order, while the writer prepares the
/// next batch; at most four commits wait, so that a checkpoint's long commit does not hold the
/// writer up. After a failure the rest are skipped and every later call throws it.
private final class Committer: @unchecked Sendable {
    private let queue = DispatchQueue(label: "syncsim.commit")
    private let slots = DispatchSemaphore(value: 4)
    private let lock = NSLock()
    private var failure: StoreError?

    func submit(_ work: @escaping @Sendable () throws(StoreError) -> Void) throws(StoreError) {
        try check()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard (try? check()) != nil else { return }
            do throws(StoreError) {
                try work()
            } catch {
                lock.lock()
                if failure == nil { failure = error }
                lock.unlock()
            }
        }
    }

    /// Waits for every submitted commit; throws the first failure.
    func drain() throws(StoreError) {
        queue.sync {}
        try check()
    }

    /// Waits for every submitted commit; returns the first failure, if any.
    func drainedFailure() -> StoreError? {
        queue.sync {}
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    private func check() throws(StoreError) {
        lock.lock()
        let f = failure
        lock.unlock()
        if let f { throw f }
    }
}

extension Database {
    /// The error of a call through SQLite's C API (a statement's step, a blob's open or read)
    /// that returned `rc`.
    func sqliteError(_ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqliteConnection)))
    }
}

/// SQLite's "copy this text now" destructor.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
