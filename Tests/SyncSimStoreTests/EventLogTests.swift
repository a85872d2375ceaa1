import Crypto
import Foundation
import GRDB
import Testing
import SyncSimCore
@testable import SyncSimStore
import SyncSimTestSupport

/// A fresh temporary directory per test (removed with the others when the tests end).
func tempDir() -> String { TemporaryDirectories.make("store") }

func sampleLog(_ dir: String, seed: UInt64 = 7, events count: Int = 300) throws -> (String, [Event], LogHeader) {
    var stream = RandomStream(seed: seed)
    stream.events = count
    let events = stream.generate()
    let rules = stream.rules()
    let header = LogHeader(scenario: "sample", title: "Sample", sourceFile: "sample.jsonl", sourceDigest: "sha256:00",
                           rules: rules, overrides: ["overwrite=all"])
    let outcome = Simulation.run(rules: rules, events: events, recording: false)
    var rejections: [Int: String] = [:]
    for r in outcome.rejections { rejections[r.seq] = r.reason }
    let path = dir + "/log.db"
    try EventLog.create(at: path, header: header, events: events, rejections: rejections)
    return (path, events, header)
}

@Suite struct EventLogTests {
    @Test func roundTripsHeaderAndEvents() throws {
        let (path, events, header) = try sampleLog(tempDir())
        let log = try EventLog.open(path: path)
        #expect(try log.header() == header)
        #expect(try log.events() == events)
        #expect(try log.verify().intact)
        #expect(try log.eventCount() == events.count)
    }

    @Test func batchesBeyondOneTransaction() throws {
        let (path, events, _) = try sampleLog(tempDir(), seed: 3, events: EventLog.batchSize + 17)
        let log = try EventLog.open(path: path)
        #expect(try log.events().count == events.count)
        #expect(try log.verify().events == events.count)
    }

    /// A batch keeps its rows column by column (payloads end to end, rejections apart): each
    /// stored row has its own event, instant, type and rejection, in every batch.
    @Test func rowsKeepTheirOwnPayloadTypeAndRejection() throws {
        let dir = tempDir()
        var stream = RandomStream(seed: 12)
        stream.events = EventLog.batchSize + 500
        let events = stream.generate()
        let outcome = Simulation.run(rules: stream.rules(), events: events, recording: false)
        var rejections: [Int: String] = [:]
        for r in outcome.rejections { rejections[r.seq] = r.reason }
        #expect(rejections.keys.contains { $0 < EventLog.batchSize } && rejections.keys.contains { $0 > EventLog.batchSize })
        let header = LogHeader(scenario: "s", title: "S", sourceFile: "s.jsonl", sourceDigest: "sha256:00", rules: stream.rules(), overrides: [])
        try EventLog.create(at: dir + "/log.db", header: header, events: events, rejections: rejections)
        var rows: [EventLog.Row] = []
        try EventLog.open(path: dir + "/log.db").forEachRow { rows.append($0) }
        #expect(rows.count == events.count + 1)
        #expect(rows[0].type == "log.header")
        for (i, event) in events.enumerated() {
            let row = rows[i + 1]
            #expect(row.seq == i + 1)
            #expect(row.at == event.at && row.type == event.typeName)
            #expect(row.payload == CanonicalJSON.string(for: event.json))
            #expect(row.rejected == rejections[i + 1], "row \(i + 1)")
        }
    }

    /// Rows go in by statements of many rows (`OR FAIL`, so that no statement journal is written):
    /// a statement that meets a conflict fails its commit, and none of the batch stays, not even
    /// the rows the statement had put in before the conflict.
    @Test func aCommitThatMeetsAConflictLeavesNoneOfItsBatch() throws {
        let dir = tempDir()
        let path = dir + "/log.db"
        let header = LogHeader(scenario: "s", title: "S", sourceFile: "s.jsonl", sourceDigest: "sha256:00", rules: SyncRules(), overrides: [])
        let writer = try LogWriter(path: path, header: header)
        // A row where the writer's 30th event goes (inside its first statement), put there behind its back.
        let other = try DatabaseQueue(path: path)
        try other.write { db in
            try db.execute(sql: "INSERT INTO events (seq, at, type, payload, hash) VALUES (30, 0, 'x', '{}', x'00')")
        }
        try other.close()
        for i in 0..<(LogWriter.rowsPerInsert * 2) {
            try writer.append(Event(at: Int64(i), kind: .accountCreate(account: "a\(i)", fields: [:])), rejected: nil)
        }
        #expect(throws: StoreError.self) { try writer.finish() }
        let seqs = try DatabaseQueue(path: path).read { db in try Int.fetchAll(db, sql: "SELECT seq FROM events ORDER BY seq") }
        #expect(seqs == [0, 30])
        withExtendedLifetime(writer) {}
    }

    /// A new log is written without waiting for the disk and made durable when it is finished;
    /// a log that already holds events is appended to waiting for it, as before.
    @Test func onlyANewLogIsWrittenWithoutWaitingForTheDisk() throws {
        let dir = tempDir()
        let (path, events, _) = try sampleLog(dir)
        let header = LogHeader(scenario: "s", title: "S", sourceFile: "s.jsonl", sourceDigest: "sha256:00", rules: SyncRules(), overrides: [])
        let fresh = try LogWriter(path: dir + "/new.db", header: header)
        #expect(fresh.synchronous == 0)
        try fresh.finish()
        let appending = try LogWriter(appendingTo: path, lock: try LogWriter.lock(path))
        #expect(appending.synchronous == 1)
        try appending.append(Event(at: events.last!.at + 1, kind: .accountCreate(account: "late", fields: [:])), rejected: nil)
        try appending.finish()
        #expect(try EventLog.open(path: dir + "/new.db").verify().intact)
        #expect(try EventLog.open(path: path).verify().events == events.count + 1)
    }

    /// A header made on the commit thread (an import's stream digest is read meanwhile): events
    /// appended before it is known wait for it and follow it in the chain; a header that cannot
    /// be made fails a later call, and the new log is removed.
    @Test func aDeferredHeaderComesFirstAndItsFailureLeavesNoLog() throws {
        let dir = tempDir()
        let header = LogHeader(scenario: "s", title: "S", sourceFile: "s.jsonl", sourceDigest: "sha256:01", rules: SyncRules(), overrides: [])
        let events = (0..<25_000).map { Event(at: Seconds($0), kind: .accountCreate(account: "a\($0)", fields: [:])) }
        let writer = try LogWriter(path: dir + "/late.db", deferredHeader: { () throws(StoreError) -> LogHeader in
            usleep(100_000)  // long enough for every event below to be appended before the header is known
            return header
        })
        for e in events { try writer.append(e, rejected: nil) }
        try writer.finish()
        let log = try EventLog.open(path: dir + "/late.db")
        #expect(try log.header() == header)
        #expect(try log.verify().intact)
        #expect(try log.events() == events)

        let failing = try LogWriter(path: dir + "/failing.db", deferredHeader: { () throws(StoreError) -> LogHeader in throw .unusable(path: "x", reason: "no header") })
        #expect(throws: StoreError.self) {
            for e in events { try failing.append(e, rejected: nil) }
            try failing.finish()
        }
        failing.abandon()
        #expect(!FileManager.default.fileExists(atPath: dir + "/failing.db"))
    }

    /// A pipe's producer started with a niceness runs at that much lower a priority once the
    /// pipe is three quarters full, and at its own again once it is down to a quarter; the rest
    /// of the process keeps its priority: on Linux a thread's nice value is its own.
    @Test func aNiceProducerLowersItsOwnPriorityWhileAhead() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let before = getpriority(which, 0)
        let lowered = min(before + 5, 19)
        // Four batches: lowered once three are waiting, raised once one is.
        let pipe = BatchPipe<Int32>(capacity: 4)
        let (filled, drained) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let stop = pipe.start(niceness: 5) { pipe in
            // Each batch holds the priority the producer had as it put the batch.
            for _ in 0..<4 { pipe.put([getpriority(which, 0)]) }
            filled.signal()
            drained.wait()
            for _ in 0..<2 { pipe.put([getpriority(which, 0)]) }
            pipe.finish(nil)
        }
        var seen: [Int32] = []
        filled.wait()
        for _ in 0..<4 { seen += pipe.take().batch ?? [] }
        // The pipe is empty: the producer's next batch leaves one waiting.
        drained.signal()
        while let batch = pipe.take().batch { seen += batch }
        stop()
        #expect(seen == [before, before, before, lowered, lowered, before])
        #expect(getpriority(which, 0) == before)
        // Without a niceness, the producer keeps the priority it was started with.
        let plain = BatchPipe<Int32>(capacity: 4)
        let stopPlain = plain.start { pipe in
            for _ in 0..<4 { pipe.put([getpriority(which, 0)]) }
            pipe.finish(nil)
        }
        var plainSeen: [Int32] = []
        while let batch = plain.take().batch { plainSeen += batch }
        stopPlain()
        #expect(plainSeen == Array(repeating: before, count: 4))
        #endif
    }

    /// A consumer gives every batch back, whether or not the producer holds the lock of the
    /// batches given back at that moment: each reaches the producer (for freeing) or, once the
    /// producer is gone, is dropped; none is kept back or handed over twice.
    @Test func givenBackBatchesReachTheProducerOnce() {
        final class Tracked: Sendable {
            let freed: @Sendable () -> Void
            init(_ freed: @escaping @Sendable () -> Void) { self.freed = freed }
            deinit { freed() }
        }
        let lock = NSLock()
        nonisolated(unsafe) var freedBy: [pthread_t] = []
        nonisolated(unsafe) var producer: pthread_t?
        var taken = 0
        do {
            let pipe = BatchPipe<Tracked>(capacity: 4)
            let stop = pipe.start { pipe in
                lock.lock(); producer = pthread_self(); lock.unlock()
                for _ in 0..<2000 {
                    guard pipe.put([Tracked { lock.lock(); freedBy.append(pthread_self()); lock.unlock() }]) else { return }
                }
                pipe.finish(nil)
            }
            while let batch = pipe.take().batch {
                taken += batch.count
                pipe.giveBack(batch)
            }
            stop()
        }
        // The pipe is gone: every batch is freed, most by the producer.
        lock.lock()
        let (freed, thread) = (freedBy, producer)
        lock.unlock()
        #expect(taken == 2000)
        #expect(freed.count == 2000)
        #expect(freed.filter { pthread_equal($0, thread!) != 0 }.count >= 1500, "most are freed by the producer")
    }

    /// The chain spells sequence numbers as `String(n)` does, without making a string per row.
    @Test func chainSpellsSequenceNumbersInDecimal() {
        var numbers = [0, 1, 9, 10, 11, 99, 100, 101, 999_999, 1_000_000, 1_234_567, Int.max]
        var random = SplitMix64(seed: 4)
        for _ in 0..<1000 { numbers.append(Int(random.next() >> (1 + random.next() % 63))) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 24)
        defer { buffer.deallocate() }
        for n in numbers {
            let count = HashChain.writeDecimal(n, into: buffer)
            #expect(Array(buffer[..<count]) == Array(String(n).utf8), "\(n)")
        }
    }

    /// Each row's hash is the SHA-256 of the previous hash, `SEQ\nPAYLOAD\n`, and `r:REASON`
    /// for a rejected event, however the parts are fed to it: checked against the hash of the
    /// row's bytes gathered in one array, for rows with and without rejections, empty and long
    /// payloads, non-ASCII reasons.
    @Test func aRowsHashIsTheHashOfItsBytes() {
        var random = SplitMix64(seed: 9)
        var previous = HashChain.genesis
        let reasons: [String?] = [nil, nil, "Marketo cannot create accounts in Dynamics (R5)", "caf\u{E9} \u{1F600}", ""]
        for row in 0..<500 {
            let payload = (0..<Int(random.next() % 300)).map { _ in UInt8(32 + random.next() % 90) }
            let rejected = reasons[Int(random.next() % UInt64(reasons.count))]
            let seq = row == 0 ? 0 : Int(random.next() >> 20)
            var expected = previous + Array(String(seq).utf8) + [0x0A] + payload
            expected += rejected.map { Array("\nr:\($0)".utf8) } ?? [0x0A]
            let digest = Array(SHA256.hash(data: expected))
            payload.withUnsafeBytes { HashChain.advance(&previous, seq: seq, payload: $0, rejected: rejected) }
            #expect(previous == digest, "row \(row)")
        }
    }

    @Test func updateAndDeleteFailWhoeverIssuesThem() throws {
        let (path, _, _) = try sampleLog(tempDir())
        let db = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "UPDATE events SET payload = '{}' WHERE seq = 2") } }
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM events WHERE seq = 2") } }
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM events") } }
        try db.close()
        #expect(try EventLog.open(path: path).verify().intact)
    }

    /// Drops the guards and runs `sql`, as a tamperer would.
    func tamper(_ path: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;")
            try db.execute(sql: sql)
        }
        try db.close()
    }

    @Test func verifyNamesTheFirstChangedPayload() throws {
        let (path, _, _) = try sampleLog(tempDir())
        try tamper(path, "UPDATE events SET payload = replace(payload, '\"at\":', '\"at\": ') WHERE seq = 5")
        let report = try EventLog.open(path: path).verify()
        #expect(report.problem?.seq == 5)
    }

    /// Read on the iterating thread, a log gives the events the reading thread gives, and
    /// stops at a missing row with the same failure after the same events.
    @Test func inlineReadingGivesWhatThePipedReadingGives() throws {
        let (path, events, _) = try sampleLog(tempDir(), seed: 5, events: BatchPipe<Event>.batchSize * 2 + 7)
        let log = try EventLog.open(path: path)
        #expect(try log.withEventsInline { Array(IteratorSequence($0)) } == events)
        #expect(try log.withEventsInline(after: 1000) { Array(IteratorSequence($0)) } == Array(events[1000...]))
        try tamper(path, "DELETE FROM events WHERE seq = 1500")
        let damaged = try EventLog.open(path: path)
        func read(_ body: (inout Int) throws -> Void) -> (Int, String) {
            var count = 0
            do {
                try body(&count)
                return (count, "no failure")
            } catch {
                return (count, "\(error)")
            }
        }
        let inline = read { n in try damaged.withEventsInline { while $0.next() != nil { n += 1 } } }
        let piped = read { n in try damaged.withEvents { while $0.next() != nil { n += 1 } } }
        #expect(inline.0 == 1499)
        #expect(inline.1.contains("missing from the log"), "\(inline.1)")
        #expect(inline == piped)
    }

    @Test func verifyNamesADeletedRow() throws {
        let (path, _, _) = try sampleLog(tempDir())
        try tamper(path, "DELETE FROM events WHERE seq = 9")
        #expect(try EventLog.open(path: path).verify().problem?.seq == 9)
    }

    @Test func verifyNamesReorderedRows() throws {
        let (path, _, _) = try sampleLog(tempDir())
        try tamper(path, """
            UPDATE events SET seq = -1 WHERE seq = 11; UPDATE events SET seq = 11 WHERE seq = 12; UPDATE events SET seq = 12 WHERE seq = -1;
            """)
        #expect(try EventLog.open(path: path).verify().problem?.seq == 11)
    }

    @Test func verifyNoticesMissingGuards() throws {
        let (path, _, _) = try sampleLog(tempDir())
        try tamper(path, "SELECT 1")
        let report = try EventLog.open(path: path).verify()
        #expect(report.problem != nil)
        #expect(report.problem?.seq == nil)
    }

    /// Whether the log has SQLite's index on the events' instants (logs of the first schema do).
    func hasInstantIndex(_ path: String) throws -> Bool {
        let db = try DatabaseQueue(path: path)
        defer { try? db.close() }
        return try db.read { try Bool.fetchOne($0, sql: "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_at'") } ?? false
    }

    @Test func lastEventAtIsTheLastEventsInstantWithoutAnIndexOnInstants() throws {
        let (path, events, _) = try sampleLog(tempDir())
        #expect(try !hasInstantIndex(path))
        #expect(try EventLog.open(path: path).lastEventAt() == events.last!.at)
        #expect(events.last!.at > events.first!.at)
    }

    @Test func lastSeqAtOrBeforeAnInstantIsTheLastEventOfThatInstant() throws {
        let (path, events, _) = try sampleLog(tempDir(), seed: 11, events: 400)
        let log = try EventLog.open(path: path)
        // Every instant of the log, the ones just before and after, and some before the start.
        let instants = Set(events.flatMap { [$0.at - 1, $0.at, $0.at + 1] } + [-5, 0])
        #expect(Set(events.map(\.at)).count < events.count, "the sample has instants with several events")
        for t in instants.sorted() {
            let expected = events.lastIndex { $0.at <= t }.map { $0 + 1 } ?? 0
            #expect(try log.lastSeq(atOrBefore: t) == expected, "at \(t)")
            // From a later start, as from a checkpoint: never before it.
            for after in [0, 37, 200] {
                #expect(try log.lastSeq(atOrBefore: t, after: after) == max(after, expected), "at \(t) after \(after)")
            }
        }
    }

    @Test func aGapBeforeTheInstantIsReportedNotPassedOver() throws {
        let (path, events, header) = try sampleLog(tempDir())
        try tamper(path, "DELETE FROM events WHERE seq = 150")
        let log = try EventLog.open(path: path)
        // The search meets the gap and reads to the end, where the reading names it.
        #expect(try log.lastSeq(atOrBefore: events[200].at) == events.count)
        #expect {
            _ = try log.projector(at: events[200].at, rules: header.rules)
        } throws: { error in
            guard case StoreError.corrupt(_, let seq, _) = error else { return false }
            return seq == 150
        }
    }

    @Test func aLogWithTheEarlierIndexIsReadAsBeforeAndLosesItWhenAppendedTo() throws {
        let (path, events, _) = try sampleLog(tempDir())
        // As a log of the first schema: the index on instants, and no record of the migration that drops it.
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            try db.execute(sql: "CREATE INDEX events_at ON events(at); DELETE FROM grdb_migrations WHERE identifier = 'v3-no-events-at-index'")
        }
        try db.close()
        #expect(try hasInstantIndex(path))
        let log = try EventLog.open(path: path)
        #expect(try log.lastEventAt() == events.last!.at)
        #expect(try log.verify().intact)
        let writer = try LogWriter(appendingTo: path, lock: LogWriter.lock(path))
        try writer.append(Event(at: events.last!.at + 1, kind: .accountCreate(account: "appended", fields: ["name": .string("x")])), rejected: nil)
        try writer.finish()
        #expect(try !hasInstantIndex(path))
        #expect(try EventLog.open(path: path).lastEventAt() == events.last!.at + 1)
        let report = try EventLog.open(path: path).verify()
        #expect(report.intact, "\(report)")
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let dir = tempDir()
        let path = dir + "/log.db"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) {
            try EventLog.create(at: path, header: LogHeader(scenario: "x", sourceFile: "x", sourceDigest: "", rules: SyncRules()),
                                events: [], rejections: [:])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("keep me".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["log.db"])
    }

    @Test func foreignFilesAreRefused() throws {
        let dir = tempDir()
        let text = dir + "/notes.txt"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        let empty = dir + "/empty.db"
        try Data().write(to: URL(fileURLWithPath: empty))
        let other = dir + "/other.db"
        let q = try DatabaseQueue(path: other)
        try q.write { try $0.execute(sql: "CREATE TABLE t(x)") }
        try q.close()
        for path in [text, empty, other, dir + "/missing.db", dir] {
            #expect(throws: StoreError.self, "\(path)") { try EventLog.open(path: path) }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: text)) == Data("hello".utf8))
    }

    @Test func aMissingDirectoryIsAClearError() {
        #expect {
            try EventLog.create(at: "/nonexistent-dir-\(UUID())/log.db",
                                header: LogHeader(scenario: "x", sourceFile: "x", sourceDigest: "", rules: SyncRules()),
                                events: [], rejections: [:])
        } throws: { error in
            "\(error)".contains("does not exist")
        }
    }
}
