import Testing
@testable import SyncSimCore

/// The fingerprint agrees with what the comparisons call equal: the same names hash alike in
/// projectors that gave them other ids, values equal as ``Value``s hash alike, and a change of
/// anything compared changes it.
@Suite struct FingerprintTests {
    /// A small run: an account with two fields, a contact on it, a cycle landed, a local edit.
    static func run(account a: String, contact c: String, field f: String, value v: Value) -> Projector {
        var p = Projector(rules: SyncRules())
        p.fingerprinting = true
        play([
            E.create(0, a, [f: v, "Phone": E.s("555")]),
            E.contact(10, c, a),
            E.edit(400, c, ["Phone": E.s("556")]),
        ], on: &p, until: 600)
        return p
    }

    static func play(_ events: [Event], on p: inout Projector, until end: Seconds) {
        for (i, e) in events.enumerated() { p.apply(e, seq: i + 1) }
        p.advance(to: end)
    }

    @Test func theSameStateWithOtherIDsGivesTheSameFingerprint() {
        // Names, and values equal as Values, met in another order: other ids, the same state.
        var x = Projector(rules: SyncRules()), y = Projector(rules: SyncRules())
        (x.fingerprinting, y.fingerprinting) = (true, true)
        Self.play([
            E.create(0, "a1", ["Name": .number(.int(3)), "Phone": E.s("1")]), E.create(0, "a2", ["Phone": E.s("2")]),
            E.contact(10, "c1", "a1"), E.contact(10, "c2", "a2"), E.edit(400, "c2", ["Name": E.s("x")]),
        ], on: &x, until: 600)
        Self.play([
            E.create(0, "a2", ["Phone": E.s("2")]), E.create(0, "a1", ["Phone": E.s("1"), "Name": .number(.double(3.0))]),
            E.contact(10, "c2", "a2"), E.contact(10, "c1", "a1"), E.edit(400, "c2", ["Name": E.s("x")]),
        ], on: &y, until: 600)
        #expect(ProjectionDiff.compare(x, y).isEmpty)
        #expect(x.fingerprint == y.fingerprint)
        #expect(x.fingerprint == x.recomputedFingerprint())
    }

    @Test func whatTheComparisonTellsApartChangesTheFingerprint() {
        let base = Self.run(account: "a1", contact: "c1", field: "Name", value: .number(.int(1)))
        let others: [Projector] = [
            Self.run(account: "a1", contact: "c1", field: "Name", value: .string("1")),
            Self.run(account: "a1", contact: "c1", field: "Name", value: .number(.double(1.5))),
            Self.run(account: "a1", contact: "c1", field: "Name", value: .bool(true)),
            Self.run(account: "a2", contact: "c1", field: "Name", value: .number(.int(1))),
            Self.run(account: "a1", contact: "c2", field: "Name", value: .number(.int(1))),
            Self.run(account: "a1", contact: "c1", field: "Nam", value: .number(.int(1))),
        ]
        for (i, other) in others.enumerated() {
            #expect(!ProjectionDiff.compare(base, other).isEmpty, "variant \(i)")
            #expect(base.fingerprint != other.fingerprint, "variant \(i)")
        }
        // Strings compare by their scalars: é precomposed is not e + acute as a value.
        let composed = Self.run(account: "a1", contact: "c1", field: "Name", value: .string("caf\u{E9}"))
        let decomposed = Self.run(account: "a1", contact: "c1", field: "Name", value: .string("cafe\u{301}"))
        #expect(!ProjectionDiff.compare(composed, decomposed).isEmpty)
        #expect(composed.fingerprint != decomposed.fingerprint)
    }

    @Test func longValuesHashEveryByte() {
        // Values past eight bytes differ only in their last byte, or only in their length.
        let a = Self.run(account: "a1", contact: "c1", field: "Name", value: .string("0123456789abcdefX"))
        let b = Self.run(account: "a1", contact: "c1", field: "Name", value: .string("0123456789abcdefY"))
        let c = Self.run(account: "a1", contact: "c1", field: "Name", value: .string("0123456789abcdef"))
        #expect(Set([a.fingerprint.sum, b.fingerprint.sum, c.fingerprint.sum]).count == 3)
    }
}
