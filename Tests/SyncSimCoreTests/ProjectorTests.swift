import Testing
@testable import SyncSimCore

/// One test per rule of the format, pinned on both sides of the instant that matters.
@Suite struct ProjectorTests {
    let base: [Event] = [
        E.create(0, "acme", ["name": E.s("Acme"), "industry": E.s("Retail")]),
        E.contact(0, "alice", "acme"),
        E.contact(0, "bob", "acme"),
    ]

    @Test func r1CyclesEveryFiveMinutes() {
        #expect(!project(base, at: 299).contactInMarketo("alice"))
        #expect(project(base, at: 300).shownFields(of: "alice") == ["name": E.s("Acme"), "industry": E.s("Retail")])
        // A change at exactly 5m is not carried by the cycle that starts at 5m.
        let events = base + [E.update(300, "acme", ["industry": E.s("Energy")])]
        #expect(project(events, at: 599).shownFields(of: "bob")["industry"] == E.s("Retail"))
        #expect(project(events, at: 600).shownFields(of: "bob")["industry"] == E.s("Energy"))
    }

    @Test func idsThatAreTheSameStringAreOneAccountEvenInAnotherSpelling() {
        // "é" precomposed and as e + combining accent: one Swift string, so one account for the
        // validator and the outputs alike, and the projector must agree.
        let events = [E.create(0, "caf\u{E9}", ["name": E.s("A")]), E.contact(0, "alice", "cafe\u{301}"),
                      E.update(400, "cafe\u{301}", ["name": E.s("B")]), E.update(400, "caf\u{E9}", ["tier": E.s("x")])]
        var projector = Projector(rules: SyncRules())
        for (i, e) in events.enumerated() {
            projector.apply(e, seq: i + 1)
            #expect(projector.invariantViolation() == nil)
        }
        projector.advance(to: 900)
        #expect(projector.shownFields(of: "alice")["name"] == E.s("B"))
        #expect(projector.accountIDs.count == 1)
    }

    @Test func anIDSpelledWithASignThatIsAnASCIILetterIsOneAccount() {
        // KELVIN SIGN is canonically "K", GREEK QUESTION MARK ";": Swift holds each spelling
        // equal to the ASCII one, so the projector must too (short and long ids alike).
        for (ascii, other) in [("aK", "a\u{212A}"), ("acme;K-long-account-id", "acme\u{037E}\u{212A}-long-account-id")] {
            let events = [E.create(0, ascii, ["name": E.s("A")]), E.contact(0, "alice", other),
                          E.update(400, other, ["name": E.s("B")])]
            var projector = Projector(rules: SyncRules())
            for (i, e) in events.enumerated() { projector.apply(e, seq: i + 1) }
            projector.advance(to: 900)
            #expect(projector.shownFields(of: "alice")["name"] == E.s("B"), "\(other)")
            #expect(projector.accountIDs.count == 1, "\(other)")
        }
    }

    @Test func r1DurationAndStart() {
        var rules = SyncRules()
        rules.start = 60
        rules.duration = 120
        rules.interval = 300
        // Cycles start at 60, 480, 900 and land at 180, 600, 1020.
        #expect(rules.cycleStart(after: 0) == 60)
        #expect(rules.cycleStart(after: 60) == 480)
        #expect(!project(base, rules: rules, at: 179).contactInMarketo("alice"))
        #expect(project(base, rules: rules, at: 180).contactInMarketo("alice"))
        // An update made while a cycle runs waits for the next cycle.
        let events = base + [E.update(500, "acme", ["industry": E.s("Energy")])]
        #expect(project(events, rules: rules, at: 1019).shownFields(of: "bob")["industry"] == E.s("Retail"))
        #expect(project(events, rules: rules, at: 1020).shownFields(of: "bob")["industry"] == E.s("Energy"))
    }

    @Test func r2AndR3EditShowsOnEveryContactNotInDynamics() {
        let events = base + [E.edit(360, "alice", ["industry": E.s("Finance")])]
        let p = project(events, at: 360)
        #expect(p.shownFields(of: "bob")["industry"] == E.s("Finance"))
        #expect(p.dynamicsFields(of: "acme")?["industry"] == E.s("Retail"))
        #expect(p.activities(of: "bob").map(\.source) == [.marketo])
        #expect(project(events, at: 3600).dynamicsFields(of: "acme")?["industry"] == E.s("Retail"))
    }

    @Test func r4NextUpdateOverwritesEveryLocalEdit() {
        let events = base + [
            E.edit(360, "alice", ["industry": E.s("Finance")]),
            E.update(420, "acme", ["website": E.s("acme.example")]),
        ]
        #expect(project(events, at: 599).shownFields(of: "bob")["industry"] == E.s("Finance"))
        let p = project(events, at: 600)
        #expect(p.shownFields(of: "bob") == ["name": E.s("Acme"), "industry": E.s("Retail"), "website": E.s("acme.example")])
        #expect(p.activities(of: "bob").filter { $0.source == .dynamics }.count == 2)
        #expect(p.localEdits(of: "acme").isEmpty)
    }

    @Test func overwriteChangedKeepsOtherEdits() {
        var rules = SyncRules()
        rules.overwrite = .changed
        let events = base + [
            E.edit(360, "alice", ["industry": E.s("Finance")]),
            E.update(420, "acme", ["website": E.s("acme.example")]),
        ]
        let p = project(events, rules: rules, at: 600)
        #expect(p.shownFields(of: "bob")["industry"] == E.s("Finance"))
        #expect(p.shownFields(of: "bob")["website"] == E.s("acme.example"))
    }

    /// With more than 64 fields (the plan of a cycle keeps the first 64 field ids as bits, any
    /// others in a list), `overwrite: changed` writes exactly the fields Dynamics changed.
    @Test func overwriteChangedWithManyFields() {
        var rules = SyncRules()
        rules.overwrite = .changed
        let many = EventFields(Dictionary(uniqueKeysWithValues: (0..<80).map { ("f\($0)", E.s("v\($0)")) }))
        let events = [
            E.create(0, "acme", many), E.contact(0, "alice", "acme"),
            E.edit(360, "alice", ["f70": E.s("local"), "f71": E.s("local"), "f3": E.s("local"), "f4": E.s("local")]),
            E.update(420, "acme", ["f70": E.s("dyn"), "f3": E.s("dyn")]),
            E.update(430, "acme", ["f70": E.s("dyn2"), "f79": E.s("dyn")]),
        ]
        let shown = project(events, rules: rules, at: 600).shownFields(of: "alice")
        #expect(shown["f70"] == E.s("dyn2") && shown["f79"] == E.s("dyn") && shown["f3"] == E.s("dyn"))
        #expect(shown["f71"] == E.s("local") && shown["f4"] == E.s("local"))
        #expect(shown["f0"] == E.s("v0") && shown.count == 80)
    }

    @Test func fieldIDSetsHoldEachIDOnceInOrder() {
        var set = FieldIDSet()
        for id: Int32 in [70, 3, 64, 3, 0, 70, 63, 200, 1] { set.insert(id) }
        #expect(set.sorted == [0, 1, 3, 63, 64, 70, 200])
        #expect(FieldIDSet([5, 100, 5]).sorted == [5, 100])
        #expect(FieldIDSet().sorted.isEmpty)
    }

    @Test func r5MarketoCannotCreateAccounts() {
        let p = project(base + [E.mcreate(10, "initech"), E.mcreate(11, "acme")], at: 900)
        #expect(p.rejections.map(\.seq) == [4, 5])
        #expect(!p.accountInMarketo("initech"))
        #expect(p.dynamicsFields(of: "initech") == nil)
    }

    @Test func r6AndR7OnlySelectedReadableFieldsSync() {
        var rules = SyncRules()
        rules.fields = .list(["name", "industry", "secret"])
        rules.unreadable = ["secret"]
        let events = [
            E.create(0, "acme", ["name": E.s("Acme"), "revenue": .number(.int(5)), "secret": E.s("x")]),
            E.contact(0, "alice", "acme"),
            E.edit(400, "alice", ["revenue": .number(.int(9)), "secret": E.s("y")]),
            E.update(420, "acme", ["revenue": .number(.int(6)), "secret": E.s("z")]),
        ]
        #expect(project(events, rules: rules, at: 300).shownFields(of: "alice") == ["name": E.s("Acme")])
        let p = project(events, rules: rules, at: 600)
        #expect(p.shownFields(of: "alice") == ["name": E.s("Acme"), "revenue": .number(.int(9)), "secret": E.s("y")])
    }

    @Test func r8ActivitiesPerChangedFieldPerContact() {
        let events = base + [
            E.update(400, "acme", ["industry": E.s("Energy"), "name": E.s("Acme")]),
            E.contact(400, "carol", "acme"),
        ]
        let p = project(events, at: 600)
        #expect(p.activities(of: "alice").map(\.field) == ["industry"])
        #expect(p.activities(of: "alice").first?.old == E.s("Retail"))
        #expect(p.activities(of: "alice").first?.at == 600)
        #expect(p.activityCount(of: "carol") == 0)
        #expect(p.shownFields(of: "carol")["industry"] == E.s("Energy"))
    }

    @Test(arguments: [(5000, 5000, true), (5000, 5001, false), (2, 2, true), (2, 3, false), (0, 1, false)])
    func r9ActivityLimit(limit: Int, contacts: Int, logged: Bool) {
        var rules = SyncRules()
        rules.activityLimit = Int64(limit)
        var events = [E.create(0, "big", ["tier": E.s("a")])]
        for i in 0..<contacts { events.append(E.contact(0, "c\(i)", "big")) }
        events.append(E.update(400, "big", ["tier": E.s("b")]))
        let p = project(events, rules: rules, at: 600)
        #expect(p.shownFields(of: "c0")["tier"] == E.s("b"))
        #expect(p.activityCount(of: "c0") == (logged ? 1 : 0))
        #expect(p.activityCount(of: "c\(contacts - 1)") == (logged ? 1 : 0))
    }

    @Test func deleteMarksCompanyAndKeepsValues() {
        let events = base + [E.delete(400, "acme"), E.create(400, "temp"), E.delete(450, "temp")]
        #expect(!project(events, at: 599).deletedInDynamics("acme"))
        let p = project(events, at: 600)
        #expect(p.deletedInDynamics("acme"))
        #expect(p.marketoFields(of: "acme") == ["name": E.s("Acme"), "industry": E.s("Retail")])
        #expect(p.dynamicsFields(of: "acme") == nil)
        #expect(p.marketoAccount(of: "bob") == "acme")
        #expect(!p.accountInMarketo("temp"))
    }

    @Test func moveShowsNewAccountValuesWithoutActivity() {
        let events = base + [
            E.create(0, "globex", ["industry": E.s("Energy")]),
            E.move(400, "alice", "globex"),
            E.update(700, "acme", ["industry": E.s("Finance")]),
        ]
        #expect(project(events, at: 599).marketoAccount(of: "alice") == "acme")
        let p = project(events, at: 900)
        #expect(p.marketoAccount(of: "alice") == "globex")
        #expect(p.shownFields(of: "alice") == ["industry": E.s("Energy")])
        #expect(p.activityCount(of: "alice") == 0)
        #expect(p.activityCount(of: "bob") == 1)
    }

    @Test func editsRejectedBeforeTheContactSyncs() {
        let events = [
            E.create(0, "acme", ["industry": E.s("Retail")]),
            E.contact(60, "alice", "acme"),
            E.contact(60, "nobody", nil),
            E.edit(120, "alice", ["industry": E.s("Finance")]),
            E.edit(360, "nobody", ["industry": E.s("Finance")]),
        ]
        let p = project(events, at: 400)
        #expect(p.rejections.map(\.seq) == [4, 5])
        #expect(p.shownFields(of: "alice")["industry"] == E.s("Retail"))
    }

    @Test func configureAppliesToCyclesStartingAfterIt() {
        let events = base + [
            E.update(100, "acme", ["industry": E.s("Energy")]),
            // At exactly 300 the cycle starting then still uses the old limit.
            E.configure(300, RuleChange(activityLimit: 0)),
            E.update(400, "acme", ["industry": E.s("Mining")]),
        ]
        let p = project(events, at: 600)
        #expect(p.shownFields(of: "bob")["industry"] == E.s("Mining"))
        #expect(p.activityCount(of: "bob") == 0)
        let q = project(base + [E.edit(400, "alice", ["industry": E.s("X")]), E.configure(400, RuleChange(activityLimit: 0)),
                                E.edit(400, "alice", ["industry": E.s("Y")])], at: 400)
        #expect(q.activityCount(of: "bob") == 1)
    }

    @Test func valuesCompareAsJSONScalars() {
        let events = base + [
            E.update(0, "acme", ["n": .number(.int(1))]),
            E.update(400, "acme", ["n": .number(.double(1.0))]),
            E.update(700, "acme", ["n": .string("1")]),
        ]
        #expect(project(events, at: 600).activityCount(of: "bob") == 0)
        #expect(project(events, at: 900).activityCount(of: "bob") == 1)
    }
}

/// The projector's own hash tables agree with Swift's dictionaries.
@Suite struct IDTableTests {
    @Test func idIndexKeepsTheFirstValueOfEachID() {
        var rng = SplitMix64(seed: 42)
        var index = IDIndex(capacity: 600)
        var expected: [Int32: Int] = [:]
        for _ in 0..<1_000 {
            let id = Int32(truncatingIfNeeded: rng.next() % 600) - 1  // -1 too, as no account
            let v = index.value(of: id) { expected.count }
            if expected[id] == nil { expected[id] = v }
            #expect(v == expected[id])
        }
        #expect(expected.count > 300)
        // The first id stored may be -1 with the value 0.
        var edge = IDIndex(capacity: 2)
        #expect(edge.value(of: -1) { 0 } == 0)
        #expect(edge.value(of: -1) { 9 } == 0)
        #expect(edge.value(of: Int32.max) { 1 } == 1)
    }

    @Test func internerNumbersNamesInFirstSeenOrder() {
        var interner = Interner()
        let names = (0..<5_000).map { $0 % 3 == 0 ? "c\($0)" : "a-longer-name-\($0)" }
        for (i, name) in names.enumerated() { #expect(interner.id(name) == Int32(i)) }
        for (i, name) in names.enumerated() { #expect(interner.id(name) == Int32(i)) }
        #expect(interner.lookup("c1") == nil)
        #expect(Interner(unique: names)?.lookup("a-longer-name-4999") == 4999)
        #expect(Interner(unique: names + ["c0"]) == nil)
    }

    /// The prefetcher's guess of an id finds what a lookup finds, for short (inline) and longer
    /// names, and nothing for names never interned.
    @Test func likelyIDsAgreeWithLookups() {
        var interner = Interner()
        let names = (0..<3_000).map { $0 % 2 == 0 ? "c\($0)" : "a-longer-contact-name-\($0)" } + ["caf\u{E9}", "K"]
        for name in names { _ = interner.id(name) }
        for name in names { #expect(interner.likelyID(Interner.key(name)) == interner.lookup(name), "\(name)") }
        for name in ["c1", "a-longer-contact-name-2", "missing", ""] { #expect(interner.likelyID(Interner.key(name)) == nil, "\(name)") }
        #expect(Interner().likelyID(Interner.key("c0")) == nil)
    }

    /// What the prefetcher relies on to find an array without copying it: a record stored as an
    /// optional in an array starts where the optional does, an array is one word, its buffer,
    /// whose elements follow a 32-byte header. If the layout changes, this fails (the prefetches
    /// would only miss; nothing would be wrong).
    @Test func prefetcherFindsARecordsArrays() {
        var fields = FieldValues()
        fields.set(1, .string("name-1"))
        fields.set(4, .number(.int(42)))
        func elements<T>(_ a: [T]) -> UnsafeRawPointer { a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) } }
        func found(_ address: UnsafeRawPointer) -> UnsafeRawPointer? { Projector.Prefetcher.arrayBuffer(at: address).map { $0 + 32 } }
        let accounts: [DynamicsAccount?] = [nil, DynamicsAccount(fields: fields, deleted: true)]
        var company = Company()
        company.fields = fields
        company.members = [3, 4]
        company.localEdits = [Company.FieldEdit(field: 1, edit: LocalEdit(seq: 7, at: 60, contact: "c1", value: .string("x")))]
        let companies: [Company?] = [company, nil]
        accounts.withUnsafeBufferPointer {
            #expect(found(UnsafeRawPointer($0.baseAddress! + 1) + DynamicsAccount.fieldsOffset) == elements(fields.entries))
        }
        companies.withUnsafeBufferPointer {
            #expect(found(UnsafeRawPointer($0.baseAddress!) + Company.fieldsOffset) == elements(fields.entries))
            #expect(found(UnsafeRawPointer($0.baseAddress!) + Company.membersOffset) == elements(company.members))
            #expect(found(UnsafeRawPointer($0.baseAddress!) + Company.localEditsOffset) == elements(company.localEdits))
        }
        let plans = [Projector.Cycle.AccountPlan(account: 0, deleted: false, createdHere: false, values: fields, named: FieldIDSet([1]))]
        plans.withUnsafeBufferPointer {
            #expect(found(UnsafeRawPointer($0.baseAddress!) + Projector.Cycle.AccountPlan.valuesOffset) == elements(fields.entries))
        }
    }

    /// A cached lookup finds what a lookup finds, for names met again and again: small strings,
    /// literals, heap strings (never cached), other spellings of a name and names never interned,
    /// more of them than the cache has slots.
    @Test func cachedLookupsAgreeWithLookups() {
        var interner = Interner()
        let known = ["name", "city", "phone", "website", "industry", "owner", "a-field-name-longer-than-fifteen",
                     "caf\u{E9}"] + (0..<200).map { "f\($0)" }
        for name in known { _ = interner.id(name) }
        var probes = known + ["cafe\u{301}", "missing", "a-field-name-longer-than-fifteen-not-known", ""]
        // The same texts made at run time, as heap or small strings of their own.
        probes += known.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        probes += known.map { String(repeating: "x", count: 20) + $0 }.map { String($0.dropFirst(20)) }
        var random = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let name = probes[Int(random.next() % UInt64(probes.count))]
            #expect(interner.cachedLookup(name) == interner.lookup(name), "\(name)")
        }
        #expect(interner.cachedLookup("caf\u{E9}") == interner.cachedLookup("cafe\u{301}"))
        #expect(interner.cachedLookup("website") == 3)
        // What the cache relies on: small strings and literals are marked immortal (the top bit
        // of the second word), strings on the heap are not (their words hold a reusable address).
        func immortal(_ s: String) -> Bool { unsafeBitCast(s, to: (UInt64, UInt64).self).1 >> 63 == 1 }
        #expect(immortal("city") && immortal("a-literal-longer-than-fifteen-bytes"))
        #expect(immortal(String(decoding: Array("city".utf8), as: UTF8.self)))
        #expect(!immortal(String(repeating: "x", count: 40)))
        #expect(!immortal(String(decoding: Array("a-field-name-longer-than-fifteen".utf8), as: UTF8.self)))
    }
}

/// The cause the explainer gives a value written by a sync cycle: the last Dynamics event of
/// that account the cycle carried that named the field, never another account's.
@Suite struct ExplainerTests {
    @Test func aCycleIsExplainedByItsLastEventOfTheAccount() {
        let events = [
            E.create(0, "acme", ["name": E.s("Acme"), "industry": E.s("Retail")]),
            E.create(0, "globex", ["name": E.s("Globex")]),
            E.contact(0, "alice", "acme"),
            E.update(360, "acme", ["industry": E.s("Media")]),      // #4
            E.update(370, "globex", ["industry": E.s("Energy")]),   // #5
            E.update(380, "acme", ["industry": E.s("Finance")]),    // #6
            E.update(390, "acme", ["name": E.s("Acme Inc")]),       // #7
        ]
        var iterator = events.makeIterator()
        let (explainer, _) = Explainer.run(rules: SyncRules(), events: &iterator, contact: "alice", through: 600)
        let acme = explainer.causes["acme"] ?? [:]
        #expect(acme["industry"]?.new == E.s("Finance"))
        #expect(acme["industry"]?.cause.contains("carrying Dynamics update #6 at 6m20s") == true, "\(acme["industry"]?.cause ?? "")")
        #expect(acme["name"]?.cause.contains("update #7") == true)
        #expect(explainer.causes["globex"]?["industry"]?.cause.contains("update #5") == true)
        // With `overwrite: all`, a field none of the account's events named lists them, in log order.
        var all = SyncRules()
        all.overwrite = .all
        var again = (events + [E.edit(400, "alice", ["website": E.s("local")]), E.update(420, "acme", ["website": E.s("a.example")]),
                               E.update(430, "acme", ["tier": E.s("gold")]), E.edit(700, "alice", ["name": E.s("mine")]),
                               E.update(710, "acme", ["tier": E.s("silver")]), E.update(720, "acme", ["website": E.s("b.example")]),
                               E.update(730, "globex", ["name": E.s("Globex 2")])]).makeIterator()
        let (second, _) = Explainer.run(rules: all, events: &again, contact: "alice", through: 1200)
        #expect(second.causes["acme"]?["name"]?.cause.contains("the Dynamics update #12, #13 did not name this field") == true,
                "\(second.causes["acme"]?["name"]?.cause ?? "")")
    }
}
