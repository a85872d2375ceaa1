import Foundation
import GRDB
import SyncSimCore

/// An append-only event log in SQLite: a header row (sequence 0) that records the run,
/// then one row per event, each hash-chained to the one before.
public final class EventLog {
    public let path: String
    let queue: DatabaseQueue
    /// Whether SQLite found the file malformed as it opened it (a log cut short): it is then
    /// read with the schema's checks relaxed, for `verify` to find how much of it still holds.
    public let openedDamaged: Bool

    /// Events per transaction when appending.
    public static let batchSize = 10_000

    private init(path: String, queue: DatabaseQueue, damaged: Bool) {
        self.path = path
        self.queue = queue
        openedDamaged = damaged
    }

    // MARK: - Creating

    /// Writes a new log at `path` holding `header` and `events`; `rejections` maps
    /// sequence numbers to reasons. An existing file is never touched.
    public static func create(at path: String, header: LogHeader, events: [Event], rejections: [Int: String]) throws(StoreError) {
        let writer = try LogWriter(path: path, header: header)
        for (i, e) in events.enumerated() {
            try writer.append(e, rejected: rejections[i + 1])
        }
        try writer.finish()
    }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    // MARK: - Opening

    /// Opens an existing log read-only. Fails with a clear reason on anything that is not a SyncSim log.
    public static func open(path: String) throws(StoreError) -> EventLog {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .unusable(path: path, reason: "no such file")
        }
        if isDir.boolValue { throw .unusable(path: path, reason: "is a directory, not an event log") }
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
            throw .unusable(path: path, reason: "the file is empty, not an event log")
        }
        do {
            return try open(path: path, damaged: false)
        } catch .unusable(_, let reason, let cause) where cause.map(isDamage) ?? false && hasSQLiteMagic(path) {
            // A log cut short: SQLite refuses a file shorter than its header says unless its
            // schema checks are relaxed; the pages still there are read that way.
            do {
                return try open(path: path, damaged: true)
            } catch {
                throw .damaged(path: path, reason: reason)
            }
        } catch {
            throw error.withoutCause
        }
    }

    /// Why a file is not a log, with SQLite's error when it is one.
    private enum OpenFailure: Error {
        case unusable(String, String, Error?)

        var withoutCause: StoreError {
            switch self { case .unusable(let path, let reason, _): return .unusable(path: path, reason: reason) }
        }
    }

    private static func open(path: String, damaged: Bool) throws(OpenFailure) -> EventLog {
        let queue: DatabaseQueue
        do {
            var c = configuration(readonly: true)
            if damaged { c.prepareDatabase { db in try db.execute(sql: "PRAGMA writable_schema = ON") } }
            queue = try DatabaseQueue(path: path, configuration: c)
        } catch {
            throw .unusable(path, "cannot open: \(describe(error))", error)
        }
        do {
            try queue.read { db in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                guard appID == Schema.applicationID, try db.tableExists("events") else {
                    throw StoreError.unusable(path: path, reason: "not a SyncSim event log (an SQLite database of another program)")
                }
                let known = Set(Schema.migrator.migrations)
                let applied = try Schema.migrator.appliedIdentifiers(db)
                if let newer = applied.subtracting(known).sorted().first {
                    throw StoreError.unusable(path: path, reason: "the log was written by a newer syncsim (schema '\(newer)'); upgrade syncsim to read it")
                }
            }
        } catch StoreError.unusable(_, let reason) {
            throw .unusable(path, reason, nil)
        } catch {
            throw .unusable(path, "not a SyncSim event log (\(describe(error)))", error)
        }
        return EventLog(path: path, queue: queue, damaged: damaged)
    }

    /// Whether the file starts as every SQLite database does.
    static func hasSQLiteMagic(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return (try? h.read(upToCount: 16)) == Data("SQLite format 3\0".utf8)
    }

    /// Whether `error` is SQLite finding the file malformed (damaged pages, a file cut short).
    static func isDamage(_ error: Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return e.resultCode.primaryResultCode == .SQLITE_CORRUPT
    }

    /// The error of a failed read: damage named as such, anything else as SQLite's refusal.
    static func readFailure(_ path: String, _ error: Error) -> StoreError {
        if let e = error as? StoreError { return e }
        return isDamage(error) ? .damaged(path: path, reason: describe(error)) : .database(path: path, reason: describe(error))
    }

    static func configuration(readonly: Bool) -> Configuration {
        var c = Configuration()
        c.readonly = readonly
        c.journalMode = readonly ? .default : .wal
        c.busyMode = .timeout(5)
        c.label = "syncsim.log"
        if !readonly {
            // Large pages: a checkpoint is megabytes of overflow pages, read one page per system call.
            // Takes effect only on a new, empty database.
            c.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 65536") }
        }
        return c
    }

    /// Whether `error` is SQLite's "disk full" or an input/output error, not a refusal.
    static func isIOFailure(_ error: Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return [ResultCode.SQLITE_FULL, .SQLITE_IOERR].contains(e.resultCode.primaryResultCode)
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    // MARK: - Reading

    /// A stored row.
    public struct Row: Sendable {
        public var seq: Int
        public var at: Seconds
        public var type: String
        public var payload: String
        public var rejected: String?
        public var hash: [UInt8]
    }

    /// Visits every row in sequence order, the header first.
    public func forEachRow(_ body: (Row) throws -> Void) throws {
        try forEachRow { row, _ in try body(row) }
    }

    /// The same, with the connection the rows are read on (to read more within the same transaction).
    func forEachRow(_ body: (Row, Database) throws -> Void) throws {
        try queue.read { db in
            let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT seq, at, type, payload, rejected, hash FROM events ORDER BY seq")
            while let r = try cursor.next() {
                let hash: Data = r[5] ?? Data()
                // A row of a damaged page may read as NULLs, where the schema allows none.
                guard let seq = r[0] as Int?, let at = r[1] as Seconds?, let type = r[2] as String?, let payload = r[3] as String? else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a row reads as empty")
                }
                try body(Row(seq: seq, at: at, type: type, payload: payload, rejected: r[4], hash: Array(hash)), db)
            }
        }
    }

    /// The run's header.
    public func header() throws(StoreError) -> LogHeader {
        let payload: String?
        do {
            payload = try queue.read { db in try String.fetchOne(db, sql: "SELECT payload FROM events WHERE seq = 0") }
        } catch {
            throw Self.readFailure(path, error)
        }
        guard let payload else { throw .corrupt(path: path, seq: 0, reason: "the log has no header") }
        do {
            return try LogHeader(canonicalJSON: payload)
        } catch {
            throw .corrupt(path: path, seq: 0, reason: "bad header: \(error.message)")
        }
    }

    /// Every event in sequence order (sequence numbers start at 1), read as ``withEvents(after:_:)`` reads them.
    public func events() throws(StoreError) -> [Event] {
        do {
            return try withEvents { it in
                var out: [Event] = []
                while let e = it.next() { out.append(e) }
                return out
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// The sequence number of the last event (0 if none): the event count of an intact log,
    /// read from the end of the table instead of counting every row.
    public func lastSeq() throws(StoreError) -> Int {
        do {
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0 }
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// Number of events (not counting the header).
    public func eventCount() throws(StoreError) -> Int {
        do {
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE seq > 0") ?? 0 }
        } catch {
            throw Self.readFailure(path, error)
        }
    }

    /// Names of the append-only guard triggers present in the database, and the names it should have.
    func guardTriggers() throws -> (found: [String], expected: [String]) {
        try queue.read { db in
            let found = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('events', 'checkpoints') ORDER BY name")
            let expected = Schema.guardTriggers + (try db.tableExists("checkpoints") ? Schema.checkpointGuardTriggers : [])
            return (found, expected)
        }
    }
}
