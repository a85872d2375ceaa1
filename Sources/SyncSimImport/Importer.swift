import Crypto
import Foundation
import SyncSimCore
import SyncSimScenario
import SyncSimStore

/// Streams a JSON Lines file into a log: read a line, check it, project it (to know whether
/// the rules reject it), append it, in stages that overlap on separate threads; memory stays
/// constant. An import that was stopped part-way
/// resumes where its log ends; a log of another stream is never touched.
///
/// The stages: a reading thread parses, checks and encodes lines a few batches ahead; the
/// calling thread projects each event once (to record the rules' rejections) and takes the
/// checkpoints; a commit thread chains the hashes and inserts each batch in its own transaction
/// (``LogWriter``); the stream's digest is read on a thread of its own (``FileDigest``).
public enum Importer {
    public struct Summary: Sendable {
        public var events: Int
        public var rejected: Int
        /// Events the log already held from an earlier, interrupted import of the same stream.
        public var alreadyRecorded: Int
    }

    /// Imports `file` into the log at `db` (a new one, or the one an interrupted import of the
    /// same stream left), with `overrides` of the stream's sync keys and a checkpoint every
    /// `checkpointEvery` events; `progress` is made with the stream's size in bytes and told of
    /// each batch.
    public static func run(file: String, db: String, overrides: [String], checkpointEvery: Int = defaultCheckpointInterval,
                           progress makeProgress: (_ totalBytes: Int) -> any ImportProgress = { _ in SilentProgress() }) throws -> Summary {
        guard (file as NSString).pathExtension.lowercased() == "jsonl" else {
            throw LoadError(file: file, position: nil, message: "expected a JSON Lines stream (.jsonl); record a scenario with `syncsim run FILE --db PATH`")
        }
        let change = try RuleOverrides.parse(overrides)
        // The digest is read on a thread of its own while the import goes on: only the log's
        // header, its first commit, waits for it (read first, it held everything else up).
        let digest = FileDigest(of: file)
        if FileManager.default.fileExists(atPath: db) {
            return try resume(file: file, db: db, overrides: overrides, digest: digest.value(), checkpointEvery: checkpointEvery,
                              progress: makeProgress(fileSize(file)))
        }
        let reader = try EventStreamReader(path: file)
        let first = try reader.next()
        let rules = SyncRules(reader.sync.merging(change))
        let (scenario, sourceFile) = (ScenarioLoader.streamID(for: file), (file as NSString).lastPathComponent)
        let writer: LogWriter
        do {
            writer = try LogWriter(path: db, deferredHeader: { () throws(StoreError) in
                guard let sourceDigest = try? digest.value() else {
                    throw .unusable(path: db, reason: "the stream's digest could not be read")  // the import reports why
                }
                return LogHeader(scenario: scenario, sourceFile: sourceFile, sourceDigest: sourceDigest, rules: rules, overrides: overrides)
            })
        } catch StoreError.exists {
            // Another import created it a moment ago: wait for it, then resume or refuse.
            return try resume(file: file, db: db, overrides: overrides, digest: digest.value(), checkpointEvery: checkpointEvery,
                              progress: makeProgress(fileSize(file)))
        }
        var projector = Projector(rules: rules)
        let progress = makeProgress(fileSize(file))
        defer { progress.finish() }
        var seq = 0
        do {
            try appendAll(from: reader, first: first?.event, seq: &seq, to: writer, projector: &projector, checkpointEvery: checkpointEvery, progress: progress)
            try writer.finish()
        } catch {
            // A stream whose digest could not be read says why, not which commit it stopped.
            _ = try digest.value()
            throw error
        }
        let summary = Summary(events: seq, rejected: projector.rejections.count, alreadyRecorded: 0)
        keepUntilExit(projector)
        return summary
    }

    /// Keeps a projector from being freed. An import is the last thing its process does, and
    /// freeing a large projection account by account would only delay the exit after the last
    /// commit (as compilers skip freeing their trees when they are about to exit).
    private static func keepUntilExit(_ projector: consuming Projector) {
        UnsafeMutablePointer<Projector>.allocate(capacity: 1).initialize(to: projector)
    }

    /// A file's `sha256:` digest (``fileDigest(_:)``), read on a thread of its own from the moment
    /// it is made.
    public typealias FileDigest = Background<String, LoadError>

    /// Events read from the stream with their canonical bytes, made on the reading thread. The
    /// bytes are end to end in one buffer: one allocation per batch, not one per event.
    struct Batch: Sendable {
        var events: [Event] = []
        /// What the projecting thread's prefetcher asks for, for each event (worked out here, on
        /// the reading thread, where the event is made).
        var hints: [Projector.Prefetcher.Hint] = []
        var payloads: PackedBytes
        /// Bytes of the stream read once each event was read.
        var bytesRead: [Int] = []
        /// Events of the cycles that landed while this batch was projected, handed back with it
        /// to be freed on the reading thread, which made them.
        var landed = Projector.Landed()

        var count: Int { events.count }

        init(capacity: Int) {
            events.reserveCapacity(capacity)
            hints.reserveCapacity(capacity)
            payloads = PackedBytes(count: capacity)
            bytesRead.reserveCapacity(capacity)
        }

        mutating func append(_ event: consuming Event, payload: ArraySlice<UInt8>, bytesRead read: Int, hint: Projector.Prefetcher.Hint) {
            hints.append(hint)
            events.append(event)
            payloads.append(payload)
            bytesRead.append(read)
        }
    }

    /// Gathers the events read into batches and hands each full one on (on the reading thread).
    struct BatchSink: EventSink {
        let pipe: BatchPipe<Batch>
        let size: Int
        var batch: Batch
        /// Whether the pipe still takes batches.
        var open = true

        init(pipe: BatchPipe<Batch>, size: Int) {
            (self.pipe, self.size) = (pipe, size)
            batch = Batch(capacity: size)
        }

        /// Appends an event, its payload the line when that already is its canonical JSON (lent:
        /// the reader refills the buffer it lies in).
        mutating func take(_ event: consuming Event, canonicalLine line: ArraySlice<UInt8>?, bytesRead: Int, hint: Projector.Prefetcher.Hint) {
            if let line {
                batch.append(event, payload: line, bytesRead: bytesRead, hint: hint)
            } else {
                let payload = event.canonicalBytes
                batch.append(event, payload: payload[...], bytesRead: bytesRead, hint: hint)
            }
            if batch.count == size {
                open = pipe.put([batch])
                batch = Batch(capacity: size)
            }
        }
    }

    /// Hands a reader to the thread that reads; it is used there only.
    private struct Handoff: @unchecked Sendable {
        let reader: EventStreamReader
    }

    /// Appends `first` and the rest of the stream. A second thread reads, checks and encodes the
    /// lines a few batches ahead, while this one projects them; the writer chains and commits
    /// them on a thread of its own.
    static func appendAll(from reader: EventStreamReader, first: Event?, seq: inout Int, to writer: LogWriter,
                          projector: inout Projector, checkpointEvery: Int, progress: any ImportProgress) throws {
        // Each put is one batch (a pipe's element): the pipe's own batching is not needed. Room for
        // 32 batches (32,768 events, about 18 MB), not the default 8: the reading thread fills the
        // gaps the other two leave (while the projecting thread waits for a commit, say) for longer
        // before it finds the pipe full (docs/PERFORMANCE.md).
        let pipe = BatchPipe<Batch>(capacity: 32)
        let handoff = Handoff(reader: reader)
        let size = BatchPipe<Batch>.batchSize
        // The reading thread runs ahead by the pipe's batches, and has time to spare: on two
        // cores it yields to the projecting and committing threads, which an import waits for,
        // while it is ahead, and is raised again when the pipe runs low (``BatchPipe/start``).
        let stop = pipe.start(niceness: 5) { pipe in
            var sink = BatchSink(pipe: pipe, size: size)
            do {
                // The first event was read before: its line is gone.
                if let first { sink.take(first, canonicalLine: nil, bytesRead: handoff.reader.bytesRead, hint: .of(first)) }
                while sink.open, try handoff.reader.nextRead(into: &sink) {}
                guard sink.open else { return }
                if sink.batch.count > 0 { pipe.put([sink.batch]) }
                pipe.finish(nil)
            } catch {
                pipe.finish(error)
            }
        }
        defer { stop() }
        let snapshots = Projector.SnapshotCache()
        projector.keepsLanded = true
        var prefetcher = Projector.Prefetcher()
        while true {
            let (taken, failure) = pipe.take()
            guard var batches = taken, let batch = batches.first else {
                if let failure { throw failure }
                return
            }
            // Handed back when done, for the reading thread to free: the events and their bytes
            // were allocated there (and freeing a thousand events took this thread's time); with
            // them, the projector's copies of the events of the cycles that landed meanwhile.
            defer {
                batches[0].landed = projector.takeLanded()
                pipe.giveBack(batches)
            }
            // The prefetcher is given each event's hint, not the event: each event is copied once,
            // into the projector (passed to the prefetcher, and to the writer apart from the
            // projector, each was copied again and the copy destroyed).
            let ahead = Projector.Prefetcher.distance
            for i in 0..<min(ahead, batch.count) { prefetcher.enter(batch.hints[i], projector) }
            for i in 0..<batch.count {
                if i + ahead < batch.count { prefetcher.enter(batch.hints[i + ahead], projector) } else { prefetcher.pass(projector) }
                seq += 1
                try append(batch.events[i], payload: batch.payloads[i], seq: seq, to: writer, projector: &projector,
                           checkpointEvery: checkpointEvery, snapshots: snapshots)
                progress.update(done: batch.bytesRead[i], events: seq)
            }
        }
    }

    /// Events between two checkpoints unless `import --checkpoint-every` says otherwise: a
    /// multiple of the 10,000-event batches, so every commit still holds whole batches.
    public static let defaultCheckpointInterval = 20_000

    /// Appends an event; every `checkpointEvery` events, also a snapshot of the projection,
    /// committed with the batch of events it covers.
    static func append(_ event: consuming Event, payload: ArraySlice<UInt8>, seq: Int, to writer: LogWriter, projector: inout Projector,
                       checkpointEvery: Int, snapshots: Projector.SnapshotCache) throws {
        // The event goes on into the projector; the writer takes what it needs of it first.
        let (at, type) = (event.at, event.kind.typeIndex)
        let indexed = copy event
        try writer.append(at: at, typeIndex: type, payload: payload, rejected: projector.rejection(applying: event, seq: seq), indexing: indexed)
        if seq % checkpointEvery == 0 {
            try writer.checkpoint(state: projector.checkpoint(reusing: snapshots), at: at)
        }
    }

    /// Continues an import whose log holds a prefix of this stream, under the log's writer lock.
    static func resume(file: String, db: String, overrides: [String], digest: String, checkpointEvery: Int,
                       progress: any ImportProgress) throws -> Summary {
        // Wait for any other writer first; the lock neither reads nor changes the file.
        let lock = try LogWriter.lock(db)
        let log: EventLog
        do {
            // Read-only: a file that is not a SyncSim log is refused before anything opens it for writing.
            log = try EventLog.open(path: db)
        } catch {
            flock(lock, LOCK_UN)
            close(lock)
            throw error
        }
        let writer = try LogWriter(appendingTo: db, lock: lock)
        var finished = false
        defer { if !finished { writer.abandon() } }
        let header = try log.header()
        let stored = try log.eventCount()
        guard header.sourceDigest == digest, header.overrides == overrides else {
            throw StoreError.exists(path: db, reason: "already holds a log of '\(header.scenario)' with \(stored) events, recorded from \(header.sourceFile) (\(header.sourceDigest))\(header.overrides.isEmpty ? "" : " with --set \(header.overrides.joined(separator: " "))"); it is not an earlier import of this stream with these options, so it is left as it is: choose a new path")
        }
        guard try log.verify().intact else {
            throw StoreError.corrupt(path: db, seq: 0, reason: "the log is not intact (see `syncsim verify`); it is not resumed")
        }
        // The whole stream must be valid before anything is appended.
        let check = try EventStreamReader(path: file)
        while try check.next() != nil {}
        let reader = try EventStreamReader(path: file)
        var projector = Projector(rules: header.rules)
        var seq = 0
        try log.withEvents { recorded in
            while seq < stored {
                guard let (event, _) = try reader.next(), let mine = recorded.next(), mine == event else {
                    throw StoreError.corrupt(path: db, seq: seq + 1, reason: "differs from line \(seq + 1) of \(file); the log is not resumed")
                }
                seq += 1
                projector.apply(event, seq: seq)
            }
        }
        defer { progress.finish() }
        try appendAll(from: reader, first: try reader.next()?.event, seq: &seq, to: writer, projector: &projector, checkpointEvery: checkpointEvery, progress: progress)
        try writer.finish()
        finished = true
        let summary = Summary(events: seq, rejected: projector.rejections.count, alreadyRecorded: stored)
        keepUntilExit(projector)
        return summary
    }

    static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// `sha256:` digest of a file, read in chunks into one buffer (a `Data` per chunk cost as
    /// much as the hashing).
    static func fileDigest(_ path: String) throws(LoadError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw LoadError(file: path, position: nil, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var sha = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw LoadError(file: path, position: nil, message: "cannot read the file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            sha.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
        return "sha256:" + CanonicalJSON.hex(sha.finalize())
    }
}

/// What an import tells of its advance (a progress bar on a terminal, or nothing).
public protocol ImportProgress: AnyObject {
    /// `done` bytes of the stream read, `events` events recorded; called once per event.
    func update(done: Int, events: Int)
    /// The import ended.
    func finish()
}

/// Progress that shows nothing.
public final class SilentProgress: ImportProgress {
    public init() {}
    public func update(done: Int, events: Int) {}
    public func finish() {}
}
