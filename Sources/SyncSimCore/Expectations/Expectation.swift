/// One `expect:` entry: checks of the state after everything at instant `at`.
public struct Expectation: Sendable, Equatable {
    /// What an expectation is about.
    public enum Subject: Sendable, Equatable {
        case contact(String)
        case account(String)
        case log
    }

    /// One check of an expectation.
    public enum Check: Sendable, Equatable {
        /// Values Marketo shows on the contact (`null`: no value).
        case fields([String: Value])
        /// The contact's account in Marketo.
        case account(String?)
        /// Activities on the contact so far, optionally of one source and field.
        case activities(count: Int64, source: ActivitySource?, field: String?)
        /// Dynamics-side values of the account.
        case dynamics([String: Value])
        /// Marketo company values of the account.
        case marketo([String: Value])
        /// Rejected events so far.
        case rejected(Int64)
        /// Whether the contact or account exists in Marketo.
        case inMarketo(Bool)
        /// Whether the company is marked deleted in Dynamics.
        case deletedInDynamics(Bool)
        /// The sync queue: pending records, and the oldest uncarried change (`oldest` is checked
        /// when `checksOldest`; nil there means no change is pending) (R10).
        case queue(records: Int64?, oldest: Seconds?, checksOldest: Bool)
        /// Whether the contact or account has Dynamics events no cycle has carried (R10).
        case pending(Bool)
        /// Whether the sync filter keeps the company from getting updates (R11).
        case stale(Bool)
    }

    public var at: Seconds
    public var subject: Subject
    public var checks: [Check]
    /// Where the entry stands in its file.
    public var position: SourcePosition

    public init(at: Seconds, subject: Subject, checks: [Check], position: SourcePosition) {
        self.at = at
        self.subject = subject
        self.checks = checks
        self.position = position
    }
}

/// The result of one check.
public struct CheckResult: Sendable, Equatable {
    public var expectation: Expectation
    public var check: Expectation.Check
    public var expected: JSON
    public var actual: JSON
    public var passed: Bool

    /// Results grouped by their `expect:` entry, in order: an entry passes when all its checks do.
    public static func grouped(_ results: [CheckResult]) -> [(expectation: Expectation, checks: [CheckResult])] {
        var groups: [(expectation: Expectation, checks: [CheckResult])] = []
        for r in results {
            if let last = groups.last, last.expectation == r.expectation { groups[groups.count - 1].checks.append(r) }
            else { groups.append((r.expectation, [r])) }
        }
        return groups
    }
}
