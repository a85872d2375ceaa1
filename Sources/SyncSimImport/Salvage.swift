import SyncSimCore
import SyncSimStore

/// Keeps the part of a damaged log that still verifies: its first events, copied into a new
/// log with its header, their recorded rejections and checkpoints as an import makes them. The
/// hash chain is the same row for row, so the new log's head is the old chain at that event.
public enum Salvage {
    /// Copies the first `events` events of `log` (which `verify` found intact) into a new log at
    /// `path`, never over an existing file.
    public static func run(from log: EventLog, events: Int, to path: String,
                           checkpointEvery: Int = Importer.defaultCheckpointInterval) throws {
        let header = try log.header()
        let writer = try LogWriter(path: path, header: header)
        var projector = Projector(rules: header.rules)
        let snapshots = Projector.SnapshotCache()
        var seq = 0
        do {
            try log.withEvents(through: events) { events in
                while let event = events.next() {
                    seq += 1
                    let payload = event.canonicalBytes
                    try Importer.append(event, payload: payload[...], seq: seq, to: writer, projector: &projector,
                                        checkpointEvery: checkpointEvery, snapshots: snapshots)
                }
            }
        } catch StoreError.damaged(log.path, _) where seq == events {
            // Reading on to find the end of the range met the damaged page after the last event kept.
        } catch StoreError.corrupt(log.path, _, _) where seq == events {
            // The same, where the damaged page reads as rows of nothing.
        }
        guard seq == events else {
            throw StoreError.corrupt(path: log.path, seq: seq + 1, reason: "could not be read again; nothing is kept")
        }
        try writer.finish()
    }
}
