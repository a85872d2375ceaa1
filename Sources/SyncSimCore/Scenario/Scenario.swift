/// A scenario: its identity, the rules it runs with, its events and its expectations.
public struct Scenario: Sendable, Equatable {
    public var id: String
    public var title: String?
    public var description: String?
    /// The `sync:` block (and any `--set` overrides), applied to the defaults.
    public var sync: RuleChange
    public var events: [Event]
    /// Where each event stands in its file, by index.
    public var eventPositions: [SourcePosition]
    public var expectations: [Expectation]

    public init(id: String, title: String? = nil, description: String? = nil, sync: RuleChange = RuleChange(),
                events: [Event] = [], eventPositions: [SourcePosition] = [], expectations: [Expectation] = []) {
        self.id = id
        self.title = title
        self.description = description
        self.sync = sync
        self.events = events
        self.eventPositions = eventPositions
        self.expectations = expectations
    }

    /// The rules the scenario starts with.
    public var rules: SyncRules { SyncRules(sync) }

    /// Whether `s` is a valid scenario id (`[a-z0-9-]+`).
    public static func isValidID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 128 && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
    }
}
