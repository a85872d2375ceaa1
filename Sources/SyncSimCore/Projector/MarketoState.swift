/// A Marketo-side edit of an account field that Dynamics has not overwritten yet.
public struct LocalEdit: Sendable, Equatable {
    /// Sequence number of the `marketo.account.edit` event.
    public var seq: Int
    public var at: Seconds
    /// The contact the edit was made on.
    public var contact: String
    public var value: Value
}

/// Who changed a value: a sync cycle or a Marketo user.
public enum ActivitySource: String, Sendable, Equatable, CaseIterable {
    case dynamics
    case marketo
}

/// What made a change: the sync cycle with that index (section 2: the first cycle is 0), or
/// the Marketo edit with that sequence number.
public enum ActivityCause: Sendable, Hashable {
    case cycle(Int64)
    case edit(seq: Int)

    /// The `Reason` an exported activity gives (format 5.6).
    public var reason: String {
        switch self {
        case .cycle(let k): return "sync cycle \(k)"
        case .edit(let seq): return "Marketo edit #\(seq)"
        }
    }
}

/// One change of a company field that logged a "Change Data Value" activity on
/// every contact of the company at that moment (R8).
///
/// Stored once per change, not once per contact: the recipients are implied
/// by the company's membership when the change happened.
public struct CompanyChange: Sendable, Equatable {
    public var field: String
    public var old: Value
    public var new: Value
    public var at: Seconds
    public var source: ActivitySource
    public var cause: ActivityCause
}

/// A "Change Data Value" activity as a contact sees it.
public struct Activity: Sendable, Equatable {
    public var contact: String
    public var field: String
    public var old: Value
    public var new: Value
    public var at: Seconds
    public var source: ActivitySource
    public var cause: ActivityCause

    public init(contact: String, field: String, old: Value, new: Value, at: Seconds, source: ActivitySource,
                cause: ActivityCause) {
        (self.contact, self.field, self.old, self.new, self.at, self.source, self.cause) = (contact, field, old, new, at, source, cause)
    }
}

/// Running counts of the activity-logging changes of a company, by source.
public struct Tally: Sendable, Hashable {
    public var total = 0
    public var dynamics = 0
    public var marketo: Int { total - dynamics }

    public init(total: Int = 0, dynamics: Int = 0) {
        self.total = total
        self.dynamics = dynamics
    }

    static func - (a: Tally, b: Tally) -> Tally { Tally(total: a.total - b.total, dynamics: a.dynamics - b.dynamics) }
    static func + (a: Tally, b: Tally) -> Tally { Tally(total: a.total + b.total, dynamics: a.dynamics + b.dynamics) }

    /// The count of one source.
    public func count(_ source: ActivitySource) -> Int { source == .dynamics ? dynamics : marketo }
}

/// Marketo's copy of a Dynamics account. Fields, members and accounts are ids of the projector's
/// interners.
struct Company: Sendable {
    /// A local edit with the field it edited.
    struct FieldEdit: Sendable {
        var field: Int32
        var edit: LocalEdit
    }

    var fields = FieldValues()
    var deletedInDynamics = false
    /// Whether the sync filter keeps it from getting updates (R11).
    var stale = false
    /// Contact ids of the members, in no particular order; each member knows its slot here,
    /// so joining and leaving cost no hashing.
    var members: [Int32] = []
    /// Counts of the changes that logged activities.
    var tally = Tally()
    /// The changes themselves (index = tally.total before each), when the projector keeps them.
    var records: [CompanyChange] = []
    /// Local edits not overwritten yet, in the order made (a field at most once).
    var localEdits: [FieldEdit] = []

    /// Records a local edit, replacing an earlier one of the same field.
    mutating func recordEdit(_ field: Int32, _ edit: LocalEdit) {
        if let i = editIndex(field) {
            localEdits[i].edit = edit
        } else {
            localEdits.append(FieldEdit(field: field, edit: edit))
        }
    }

    /// Removes and returns the local edit at `index` of ``localEdits``.
    mutating func removeEdit(at index: Int) -> LocalEdit { localEdits.remove(at: index).edit }

    /// Where the local edit of a field is in ``localEdits``, if it has one (most companies have none).
    func editIndex(_ field: Int32) -> Int? {
        localEdits.isEmpty ? nil : localEdits.firstIndex { $0.field == field }
    }

    /// Whether a change of a field logs activities for the members now (R8, R9).
    func logs(limit: Int64) -> Bool { ActivityRule.logs(members: members.count, limit: limit) }

    /// Sets a field. When the value changes, counts an activity-logging change for the current
    /// members, unless they are more than `limit` (R8, R9). Returns the value it had (`null` if
    /// none), or nil when nothing changed. (Only a value: a result holding more was destroyed
    /// through its type's metadata, once per field a cycle writes.)
    mutating func set(_ field: Int32, _ value: Value, source: ActivitySource, limit: Int64) -> Value? {
        guard let old = fields.change(field, value) else { return nil }
        if logs(limit: limit) {
            tally.total += 1
            if source == .dynamics { tally.dynamics += 1 }
        }
        return old
    }
}

/// A contact's current link to a company (by account id), since a point of the company's change counts.
struct OpenLink: Sendable {
    var account: Int32
    var from: Tally
}

/// A contact's link to a company between two points of the company's change counts
/// (`to` is nil while it lasts).
struct Membership: Sendable {
    var account: Int32
    var from: Tally
    var to: Tally?
}

/// A contact as Marketo holds it.
struct MarketoContact: Sendable {
    /// The account id it is linked to, -1 for none; while that account has no company, it has
    /// no ``open`` link and shows no account values.
    var linked: Int32 = -1
    /// The current link to a company, if any.
    var open: OpenLink?
    /// Its index in the company's ``Company/members`` while linked.
    var slot: Int32 = -1
    /// Activities of the links that ended.
    var closed = Tally()
    /// The links that ended, when the projector keeps activity records.
    var history: [Membership] = []

    /// The account id it is linked to, if any.
    var account: Int32? { linked >= 0 ? linked : nil }
}

/// A Dynamics account as Dynamics holds it.
struct DynamicsAccount: Sendable {
    var fields = FieldValues()
    var deleted = false
}

/// An event that was recorded but had no effect, with the reason.
public struct Rejection: Sendable, Equatable {
    public var seq: Int
    public var at: Seconds
    public var type: String
    public var reason: String
    public var account: String?
    public var contact: String?

    public var json: JSON {
        var o: [String: JSON] = ["seq": .int(seq), "at": .int(at), "type": .string(type), "reason": .string(reason)]
        if let account { o["account"] = .string(account) }
        if let contact { o["contact"] = .string(contact) }
        return .object(o)
    }
}
