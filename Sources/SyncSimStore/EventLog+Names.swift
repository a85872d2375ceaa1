import GRDB
import SyncSimCore

extension EventLog {
    /// Whether any event of the log names the contact (`contact` true) or the account: its
    /// canonical payload holds `"contact":"ID"` or `"account":"ID"` (ids are never escaped).
    /// A scan of the payloads, for the rare question of an id a projection does not know.
    public func names(_ id: String, contact: Bool) throws(StoreError) -> Bool {
        let needle = "\"\(contact ? "contact" : "account")\":\"\(id)\""
        do {
            return try queue.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE seq > 0 AND instr(payload, ?) > 0)",
                                  arguments: [needle]) ?? false
            }
        } catch {
            throw Self.readFailure(path, error)
        }
    }
}
