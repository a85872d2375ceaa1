import Synchronization

/// The reference projector run beside the engine, event by event, during any command: a check
/// that the engine's speed hides no rule, switched on with `SYNCSIM_SHADOW=N` (compare every N
/// events; 1: after each one).
///
/// Each ``Projector`` made with ``Projector/init(rules:keepingActivityRecords:)`` while the
/// switch is on carries a shadow that applies what the engine applies and compares the two
/// projections every N events and whenever asked (``Projector/checkShadow()``). At the first
/// difference it calls ``stop`` with a message naming the event after which they differ (or,
/// with N above 1, the events since the last agreement). A projector restored from a checkpoint
/// has no shadow; with the switch on, the store folds from the first event instead.
public struct ShadowReference: Sendable {
    /// What the switch says: compare every `interval` events (0: the switch is off).
    struct Settings: Sendable {
        var interval = 0
        var stop: @Sendable (String) -> Never = { message in fatalError(message) }
    }

    private static let settings = Mutex(Settings())

    /// Switches the shadow on for projectors made from now on (`interval` 0 switches it off);
    /// `stop` is called with the message at the first difference.
    public static func configure(interval: Int, stop: @escaping @Sendable (String) -> Never) {
        settings.withLock { $0 = Settings(interval: max(0, interval), stop: stop) }
    }

    /// Whether projectors made now carry a shadow.
    public static var isOn: Bool { settings.withLock { $0.interval > 0 } }

    /// The interval, when the switch is read from an environment value (`"1"`, `"100"`); 0 for
    /// anything else.
    public static func interval(fromEnvironment value: String?) -> Int {
        value.flatMap { Int($0) }.map { max(0, $0) } ?? 0
    }

    var reference: ReferenceProjector
    let interval: Int
    /// Called with the message at the first difference.
    let stop: @Sendable (String) -> Never
    private var agreedAfter = 0
    private var sinceCheck = 0

    init(reference: ReferenceProjector, interval: Int, stop: @escaping @Sendable (String) -> Never) {
        self.reference = reference
        self.interval = interval
        self.stop = stop
    }

    /// A shadow for a projector starting with `rules`, nil while the switch is off.
    static func make(rules: SyncRules) -> ShadowReference? {
        let s = settings.withLock { $0 }
        return s.interval > 0 ? ShadowReference(reference: ReferenceProjector(rules: rules), interval: s.interval, stop: s.stop) : nil
    }

    /// Applies what the engine applied; compares when due.
    mutating func follow(_ event: Event, seq: Int, engine: Projector) {
        reference.apply(event, seq: seq)
        sinceCheck += 1
        if sinceCheck >= interval { check(engine, through: "#\(seq) (\(event.typeName) at \(event.at)s)", seq: seq) }
    }

    /// Compares the engine with the reference now.
    mutating func check(_ engine: Projector, through what: String, seq: Int) {
        sinceCheck = 0
        let (e, r) = (engine.projection(), reference.projection())
        if e == r {
            agreedAfter = seq
            return
        }
        let contacts = Set(e.contacts.keys).union(r.contacts.keys).filter { e.contacts[$0] != r.contacts[$0] }
        let accounts = Set(e.accounts.keys).union(r.accounts.keys).filter { e.accounts[$0] != r.accounts[$0] }
        let which: String
        if let c = contacts.min(by: CanonicalJSON.utf8Less) {
            which = "contact \(c)"
        } else if let a = accounts.min(by: CanonicalJSON.utf8Less) {
            which = "account \(a)"
        } else {
            which = "the rejected events"
        }
        let when = seq == agreedAfter + 1 || seq == agreedAfter ? "after event \(what)" : "after event \(what) (they agreed after #\(agreedAfter))"
        stop("SYNCSIM_SHADOW: the engine and the reference projector differ \(when), first at \(which)")
    }
}

extension Projector {
    /// The shadow applies what the engine applied, and compares when due.
    mutating func followShadow(_ event: Event, seq: Int) {
        guard var s = shadow.take() else { return }
        s.follow(event, seq: seq, engine: self)
        shadow.put(s)
    }

    /// Compares the engine with its shadow now (nothing when it has none).
    public mutating func checkShadow() {
        guard var s = shadow.take() else { return }
        s.reference.advance(to: now)
        s.check(self, through: "at \(now)s", seq: lastSeq)
        shadow.put(s)
    }
}

/// A projector's shadow, if it has one, held out of line: a projector without one carries a
/// single pointer, which its hot paths test and never move.
struct ShadowSlot: Sendable {
    private var held: [ShadowReference] = []

    init(_ shadow: ShadowReference? = nil) {
        if let shadow { held = [shadow] }
    }

    /// Whether there is no shadow.
    var isEmpty: Bool { held.isEmpty }

    /// Takes the shadow out (to run it beside the projector that holds it).
    mutating func take() -> ShadowReference? { held.popLast() }

    /// Puts a shadow in.
    mutating func put(_ shadow: ShadowReference) { held = [shadow] }
}
