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
}

/// A "Change Data Value" activity as a contact sees it.
public struct Activity: Sendable, Equatable {
    public var contact: String
    public var field: String
    public var old: Value
    public var new: Value
    public var at: Seconds
    public var source: ActivitySource
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

/// Marketo's copy of a Dynamics account.
struct Company: Sendable {
    var fields: [String: Value] = [:]
    var deletedInDynamics = false
    var members: Set<String> = []
    /// Counts of the changes that logged activities.
    var tally = Tally()
    /// The changes themselves (index = tally.total before each), when the projector keeps them.
    var records: [CompanyChange] = []
    var localEdits: [String: LocalEdit] = [:]

    /// Sets a field. When the value changes, logs the change for the activities of the
    /// current members, unless they are more than `limit` (R8, R9).
    /// Returns nil when nothing changed; `tallyBefore` is set when the tally moved.
    /// What one changed field write did.
    typealias Write = (old: Value, members: Int, logged: Bool, tallyBefore: Tally?)

    /// A cycle's write of `targets` (R4): each set to its Dynamics value, replacing any local
    /// edit. For each field: the value written, what changed (nil if nothing), the edit replaced.
    mutating func overwrite(_ targets: [String], with values: [String: Value], at: Seconds, limit: Int64,
                            keepRecord: Bool) -> [(field: String, value: Value, write: Write?, lost: LocalEdit?)] {
        var out: [(field: String, value: Value, write: Write?, lost: LocalEdit?)] = []
        out.reserveCapacity(targets.count)
        for field in targets {
            let lost = localEdits.isEmpty ? nil : localEdits.removeValue(forKey: field)
            let value = values[field] ?? .null
            out.append((field, value, set(field, value, at: at, source: .dynamics, limit: limit, keepRecord: keepRecord), lost))
        }
        return out
    }

    mutating func set(_ field: String, _ value: Value, at: Seconds, source: ActivitySource, limit: Int64,
                      keepRecord: Bool) -> Write? {
        let old: Value
        if value.isNull {
            old = fields.removeValue(forKey: field) ?? .null
        } else {
            old = fields.updateValue(value, forKey: field) ?? .null
        }
        guard old != value else { return nil }
        let count = members.count
        let logged = Int64(count) <= limit
        guard logged && count > 0 else { return (old, count, logged, nil) }
        if keepRecord { records.append(CompanyChange(field: field, old: old, new: value, at: at, source: source)) }
        let before = tally
        tally.total += 1
        if source == .dynamics { tally.dynamics += 1 }
        return (old, count, logged, before)
    }
}

/// A contact's link to a company between two points of the company's change counts.
struct Membership: Sendable {
    var account: String
    var from: Tally
    var to: Tally?
}

/// A contact as Marketo holds it.
struct MarketoContact: Sendable {
    var account: String?
    /// The current link, if any.
    var open: Membership?
    /// Activities of the links that ended.
    var closed = Tally()
    /// The links that ended, when the projector keeps activity records.
    var history: [Membership] = []
}

/// A Dynamics account as Dynamics holds it.
struct DynamicsAccount: Sendable {
    var fields: [String: Value]
    var deleted = false

    /// Applies an update's fields; `null` clears a field.
    mutating func update(_ f: [String: Value]) {
        for (k, v) in f {
            if v.isNull { fields.removeValue(forKey: k) } else { fields[k] = v }
        }
    }
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
