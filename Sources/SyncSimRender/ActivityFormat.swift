import SyncSimCore

/// Writes exported activities in Marketo's shapes (format 5.6): `jsonl`, items like those of
/// the REST "Get Lead Changes" call, or `csv`, the columns of the bulk activity extract.
///
/// Activities are numbered from 1 in the export's order, whether or not a contact filter
/// keeps them, so an activity has the same id in every export of the run.
public struct ActivityFormat {
    public enum Kind: String, CaseIterable, Sendable {
        case jsonl, csv
    }

    /// "Change Data Value" in Marketo's list of activity types.
    public static let changeDataValue = 13

    /// The CSV header line.
    public static let csvHeader = "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n"

    public let kind: Kind
    public let origin: Origin
    /// When set, only these contacts' activities are written.
    public let contacts: Set<String>?
    /// The number of the last activity, written or not.
    public private(set) var lastID = 0

    public init(kind: Kind, origin: Origin, contacts: Set<String>? = nil) {
        (self.kind, self.origin, self.contacts) = (kind, origin, contacts)
    }

    /// What comes before the first activity (the CSV header).
    public var header: String { kind == .csv ? Self.csvHeader : "" }

    /// Appends the batch's activities to `out`, handing it to `flush` whenever it holds
    /// `chunk` bytes or more (a batch of a large cycle can be hundreds of megabytes of text).
    public mutating func write(_ batch: ActivityStream.Batch, to out: inout JSONWriter, chunk: Int = 1 << 20,
                               flush: (inout JSONWriter) -> Void = { _ in }) {
        let date = Array(origin.date(at: batch.at).utf8)
        let reason = batch.cause.reason
        // What every activity of one change shares, written once per change.
        let shared = batch.changes.map { kind == .csv ? csvTail($0, reason: reason) : jsonHead($0, date: date, reason: reason) }
        for (contact, change) in batch.activities {
            if out.bytes.count >= chunk { flush(&out) }
            lastID += 1
            if let contacts, !contacts.contains(contact) { continue }
            switch kind {
            case .jsonl:
                out.bytes.append(contentsOf: shared[change])
                out.integer(Int64(lastID))
                out.raw(#","leadId":"#)
                out.string(contact)
                out.raw(#","marketoGUID":""#)
                out.integer(Int64(lastID))
                out.raw("\"}\n")
            case .csv:
                out.integer(Int64(lastID))
                out.byte(0x2C)
                csvField(contact, to: &out.bytes)
                out.byte(0x2C)
                out.bytes.append(contentsOf: date)
                out.bytes.append(contentsOf: shared[change])
            }
        }
    }

    /// `{"activityDate":…,"activityTypeId":13,"attributes":[…],"fields":[…],"id":` for a change.
    private func jsonHead(_ c: ActivityStream.Change, date: [UInt8], reason: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw(#"{"activityDate":""#)
        w.bytes.append(contentsOf: date)
        w.raw(#"","activityTypeId":13,"attributes":[{"name":"Source","value":"#)
        w.string(c.source.rawValue)
        w.raw(#"},{"name":"Reason","value":"#)
        w.string(reason)
        w.raw(#"}],"fields":[{"name":"#)
        w.string(c.field)
        if !c.new.isNull {
            w.raw(#","newValue":"#)
            w.value(c.new)
        }
        if !c.old.isNull {
            w.raw(#","oldValue":"#)
            w.value(c.old)
        }
        w.raw(#"}],"id":"#)
        return w.bytes
    }

    /// `,13,null,null,FIELD,ATTRIBUTES` and the line's end, for a change.
    private func csvTail(_ c: ActivityStream.Change, reason: String) -> [UInt8] {
        var out = Array(",\(Self.changeDataValue),null,null,".utf8)
        csvField(c.field, to: &out)
        out.append(0x2C)
        let attributes = JSON.object([
            "New Value": c.new.isNull ? .null : JSON(c.new), "Old Value": c.old.isNull ? .null : JSON(c.old),
            "Reason": .string(reason), "Source": .string(c.source.rawValue),
        ])
        csvField(CanonicalJSON.string(for: attributes), to: &out)
        out.append(0x0A)
        return out
    }

    /// A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break, or reads
    /// `null` (which the extract writes for no value).
    private func csvField(_ s: String, to out: inout [UInt8]) {
        let needsQuotes = s.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D } || s == "null" || s.isEmpty
        guard needsQuotes else {
            out.append(contentsOf: s.utf8)
            return
        }
        out.append(0x22)
        for b in s.utf8 {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }
}
