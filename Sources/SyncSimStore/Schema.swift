import GRDB

/// The log's schema, built by named migrations that never change once shipped.
enum Schema {
    /// `PRAGMA application_id` of every SyncSim log ("SSIM"), to tell logs from other databases.
    static let applicationID: Int32 = 0x5353_494D

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-events") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    rejected TEXT,
                    hash BLOB NOT NULL
                );
                CREATE INDEX events_at ON events(at);
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'syncsim: the event log is append-only: events cannot be updated'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'syncsim: the event log is append-only: events cannot be deleted'); END;
                PRAGMA application_id = \(applicationID);
                """)
        }
        m.registerMigration("v2-checkpoints") { db in
            // Projection snapshots after event `seq`, so a projection replays only what follows.
            try db.execute(sql: """
                CREATE TABLE checkpoints (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    state BLOB NOT NULL
                );
                CREATE INDEX checkpoints_at ON checkpoints(at);
                CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
                BEGIN SELECT RAISE(ABORT, 'syncsim: checkpoints are append-only'); END;
                CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
                BEGIN SELECT RAISE(ABORT, 'syncsim: checkpoints are append-only'); END;
                """)
        }
        m.registerMigration("v3-no-events-at-index") { db in
            // Events are in non-decreasing `at` (the format requires it and every writer checks it), so
            // the last event has the latest instant and an index on `at` answers nothing the sequence
            // numbers do not, while keeping it up slows every insert.
            try db.execute(sql: "DROP INDEX IF EXISTS events_at")
        }
        m.registerMigration("v4-event-index") { db in
            // The events by the names they carry, one piece per commit of events (``EventIndex``):
            // `first` and `last` are the sequence numbers of the commit's first and last events.
            try db.execute(sql: """
                CREATE TABLE event_index (
                    first INTEGER PRIMARY KEY,
                    last INTEGER NOT NULL,
                    piece BLOB NOT NULL
                );
                CREATE TRIGGER event_index_append_only_update BEFORE UPDATE ON event_index
                BEGIN SELECT RAISE(ABORT, 'syncsim: the event index is append-only'); END;
                CREATE TRIGGER event_index_append_only_delete BEFORE DELETE ON event_index
                BEGIN SELECT RAISE(ABORT, 'syncsim: the event index is append-only'); END;
                """)
        }
        return m
    }

    /// Names of the triggers that make the events table append-only.
    static let guardTriggers = ["events_append_only_delete", "events_append_only_update"]
    /// The guards of the checkpoints table (in logs that have one).
    static let checkpointGuardTriggers = ["checkpoints_append_only_delete", "checkpoints_append_only_update"]
}
