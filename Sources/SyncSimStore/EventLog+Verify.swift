import Foundation
import SyncSimCore

extension EventLog {
    /// The outcome of ``verify()``.
    public struct VerifyReport: Sendable {
        /// Events checked (not counting the header).
        public var events: Int
        /// The first problem found: the sequence number it concerns (nil if the log as a whole) and what is wrong.
        public var problem: (seq: Int?, reason: String)?
        /// Hex of the last row's hash: the log's fingerprint.
        public var head: String

        public var intact: Bool { problem == nil }
    }

    /// Checks that the log is intact: guard triggers in place, sequence numbers without gaps,
    /// every hash of the chain, every payload, the time order, and the recorded rejections.
    public func verify(progress: ((Int) -> Void)? = nil) throws(StoreError) -> VerifyReport {
        var report = VerifyReport(events: 0, problem: nil, head: "")
        do {
            var previous = HashChain.genesis
            var expectedSeq = 0
            var projector = Projector(rules: SyncRules())
            var sawHeader = false
            var validator = EventValidator()
            // Damaged checkpoints leave them unchecked (and the log not intact); the events are still read.
            var checkpointsDamage: String?
            var checkpoints: ArraySlice<Int>
            do {
                checkpoints = try checkpointSeqs()[...]
            } catch where Self.isDamage(error) {
                (checkpoints, checkpointsDamage) = ([], Self.describe(error))
            }
            var lastCheckpoint: Checkpoint?
            // The index's pieces: each rebuilt from the events of its range and compared.
            var indexRanges = ((try? indexRanges()) ?? [])[...]
            var indexing: (range: (first: Int, last: Int), builder: EventIndex.Builder)?
            // Each checkpoint's replay is encoded reusing the one before's pieces, as an import
            // takes them (the same bytes), rather than whole each time.
            let snapshots = Projector.SnapshotCache()
            struct Stop: Error {}
            // The first problem of what is derived from the events: checkpoints and the index.
            var derivedProblem: (seq: Int?, reason: String)?
            // The first problem: a checkpoint's if it comes before the events' (or alone).
            func firstProblem() -> (seq: Int?, reason: String)? {
                guard let c = derivedProblem else { return report.problem }
                guard let p = report.problem, let ps = p.seq, let cs = c.seq, ps <= cs else { return c }
                return p
            }
            do {
                try forEachRow { row, db in
                    func fail(_ seq: Int, _ reason: String) throws -> Never {
                        report.problem = (seq, reason)
                        throw Stop()
                    }
                    if row.seq != expectedSeq {
                        try fail(expectedSeq, row.seq > expectedSeq
                                 ? "missing: the next stored event is #\(row.seq)"
                                 : "stored twice or out of order")
                    }
                    var payload = row.payload
                    payload.withUTF8 { HashChain.advance(&previous, seq: row.seq, payload: UnsafeRawBufferPointer($0), rejected: row.rejected) }
                    if previous != row.hash { try fail(row.seq, "its hash does not match its content and the chain before it (changed or reordered)") }
                    expectedSeq += 1
                    if row.seq == 0 {
                        guard row.type == "log.header" else { try fail(0, "the first row is not the log header") }
                        do throws(DecodeError) {
                            projector = Projector(rules: try LogHeader(canonicalJSON: row.payload).rules)
                            sawHeader = true
                        } catch {
                            try fail(0, "bad header: \(error.message)")
                        }
                        return
                    }
                    let event: Event
                    do throws(DecodeError) { event = try Event(canonicalJSON: row.payload) } catch { try fail(row.seq, "bad payload: \(error.message)") }
                    if event.at != row.at || event.typeName != row.type { try fail(row.seq, "the at/type columns disagree with the payload") }
                    do throws(EventValidator.Issue) { try validator.admit(event) } catch { try fail(row.seq, error.message) }
                    guard sawHeader else { try fail(row.seq, "the log has no header") }
                    // Mutated in place: copying the projector per row would make verify quadratic.
                    let reason = projector.rejection(applying: event, seq: row.seq)
                    if reason != row.rejected {
                        try fail(row.seq, "its recorded rejection (\(row.rejected ?? "none")) is not what the rules give (\(reason ?? "none"))")
                    }
                    report.events += 1
                    progress?(report.events)
                    if let r = indexRanges.first, r.first == row.seq {
                        indexRanges = indexRanges.dropFirst()
                        if indexing == nil { indexing = (r, EventIndex.Builder()) } else if derivedProblem == nil {
                            derivedProblem = (row.seq, "an index piece starts inside another")
                        }
                    }
                    // Taken out while it grows, so that its table is not copied at every event.
                    if var current = indexing.take() {
                        current.builder.add(event, seq: row.seq)
                        let range = current.range
                        if range.last != row.seq {
                            indexing = current
                        } else if try Self.indexPiece(first: range.first, in: db) != current.builder.encode(), derivedProblem == nil {
                            derivedProblem = (range.first, "the index of events #\(range.first) to #\(range.last) does not match them")
                        }
                    }
                    if checkpoints.first == row.seq {
                        checkpoints = checkpoints.dropFirst()
                        // The last checkpoint's snapshot is kept for the patch of it that may follow.
                        // A bad checkpoint is noted, and the events after it still checked: they
                        // may all verify (a damaged page of a checkpoint), and be kept.
                        let state: [UInt8]
                        do {
                            state = try Self.checkpointState(seq: row.seq, in: db, known: lastCheckpoint) ?? []
                        } catch let bad as BadPatch {
                            if derivedProblem == nil { derivedProblem = (row.seq, bad.reason) }
                            state = []
                        } catch where Self.isDamage(error) {
                            if derivedProblem == nil { derivedProblem = (row.seq, "its checkpoint is damaged (\(Self.describe(error)))") }
                            state = []
                        }
                        lastCheckpoint = Checkpoint(seq: row.seq, state: state)
                        if derivedProblem == nil, Projector.isCurrentSnapshot(state), state != projector.snapshot(reusing: snapshots) {
                            derivedProblem = (row.seq, "its checkpoint does not match the replay of the events up to it")
                        }
                    }
                }
            } catch is Stop {
                report.problem = firstProblem()
                return report
            } catch where Self.isDamage(error) {
                // The pages from here on cannot be read: the events before still verify.
                report.problem = (expectedSeq, "the file is damaged from here on (\(Self.describe(error)))")
                report.problem = firstProblem()
                return report
            }
            if derivedProblem == nil, let r = indexing?.range ?? indexRanges.first {
                derivedProblem = (r.first, "the index covers events #\(r.first) to #\(r.last), which the log does not hold")
            }
            report.problem = firstProblem()
            if expectedSeq == 0 { report.problem = (0, "the log has no header") }
            if report.problem == nil, let damage = checkpointsDamage {
                report.problem = (nil, "its checkpoints are damaged (\(damage)); every event verifies")
            }
            if report.problem == nil, openedDamaged {
                report.problem = (expectedSeq, "the file is shorter than its own header says (cut short): SQLite finds it malformed")
            }
            if report.problem == nil, let seq = checkpoints.first {
                report.problem = (seq, "a checkpoint follows no stored event")
            }
            report.head = CanonicalJSON.hex(previous)
            let (triggers, expected) = try guardTriggers()
            if report.problem == nil, !Set(triggers).isSuperset(of: expected) {
                report.problem = (nil, "the append-only guard triggers are missing or changed (found: \(triggers.isEmpty ? "none" : triggers.joined(separator: ", ")))")
            }
            return report
        } catch let e as StoreError {
            throw e
        } catch {
            throw Self.readFailure(path, error)
        }
    }
}
