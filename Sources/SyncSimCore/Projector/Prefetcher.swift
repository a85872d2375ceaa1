import CPrefetch

extension Projector {
    /// Asks the processor for what applying an event will read, a few events before it is
    /// applied. In a projection of hundreds of thousands of contacts, applying an event waited
    /// mostly for memory: its id's slot in the table of ids, then its record, then what the
    /// record holds, each address known only once the one before has come. A caller holding
    /// the events ahead passes each to ``enter(_:_:)`` ``distance`` events before it applies it;
    /// every call moves each held event one of those reads on, so by the time an event
    /// applies, its reads have come one after another while the events before it applied.
    ///
    /// Only hints: nothing is changed, and a wrong guess (an id not made yet, a record that
    /// changes before the event applies) only costs the time of asking.
    public struct Prefetcher: Sendable {
        /// How many events ahead of the one applied an event enters.
        public static let distance = 4

        /// What the hints for one event need of it, taken once as it enters.
        struct Probe: Sendable {
            /// `contactSlot`: a contact's create or move, which looks up (or adds) only its id.
            enum Table: Sendable { case none, account, contact, contactSlot }
            var table: Table = .none
            var key = Interner.Key(hash: 0, inline: 0)
            var id: Int32 = -1
        }

        /// The held events' probes, the newest at `newest`, the one before it next, and so on.
        private var probes = [Probe](repeating: Probe(), count: distance)
        private var newest = 0

        public init() {}

        /// What entering an event asks for first, worked out from the event alone: so that the
        /// thread that makes the events can work it out (an import's reading thread), and the
        /// thread that applies them neither hashes the id again nor copies the event to read it
        /// (passing an event that lies in a buffer to another module's function copied it whole,
        /// and destroyed the copy after).
        public struct Hint: Sendable, Equatable {
            var table: Probe.Table = .none
            var key = Interner.Key(hash: 0, inline: 0)
            /// The address of the event's fields' storage, 0 for none: only asked for, never read.
            var fields: UInt = 0

            /// The hint for `event` (a function rather than an initialiser, so that the event is
            /// lent, not handed over: an initialiser takes its arguments to keep).
            public static func of(_ event: Event) -> Hint { of(event, key: { id, _ in Interner.key(id) }) }

            /// ``of(_:)`` with each id's key from `key` (`true`: a contact's), which may know it already.
            static func of(_ event: Event, key: (_ id: String, _ isContact: Bool) -> Interner.Key) -> Hint {
                var h = Hint()
                switch event.kind {
                case .accountCreate(let a, _), .accountDelete(let a):
                    (h.table, h.key) = (.account, key(a, false))
                case .accountUpdate(let a, let f):
                    (h.table, h.key, h.fields) = (.account, key(a, false), f.storageAddress)
                case .marketoAccountEdit(let c, let f):
                    (h.table, h.key, h.fields) = (.contact, key(c, true), f.storageAddress)
                case .contactCreate(let c, _, _), .contactMove(let c, _):
                    (h.table, h.key) = (.contactSlot, key(c, true))
                default: break
                }
                return h
            }
        }

        /// Takes in the event ``distance`` ahead of the next one to apply, and moves the
        /// events taken in before it a step on.
        public mutating func enter(_ event: Event, _ projector: Projector) {
            enter(Hint.of(event), projector)
        }

        /// ``enter(_:_:)`` of an event by its hint, worked out before.
        public mutating func enter(_ hint: Hint, _ projector: Projector) {
            switch hint.table {
            case .account: projector.accountNames.prefetch(hint.key)
            case .contact, .contactSlot: projector.contactNames.prefetch(hint.key)
            case .none: break
            }
            if hint.fields != 0 { Self.prefetchBuffer(UnsafeRawPointer(bitPattern: hint.fields)!) }
            step(Probe(table: hint.table, key: hint.key), projector)
        }

        /// Moves the held events a step on when no event enters (the end of the events in view).
        public mutating func pass(_ projector: Projector) {
            step(Probe(), projector)
        }

        private mutating func step(_ probe: Probe, _ projector: Projector) {
            newest = (newest + 1) % Self.distance
            probes[newest] = probe
            for age in 1..<Self.distance {
                let k = (newest + Self.distance - age) % Self.distance
                Self.read(step: age, of: &probes[k], projector)
            }
        }

        /// Step 1: the id (its slot is in by now), and the record's line. Step 2: a Dynamics
        /// account's fields; a contact's company's record. Step 3: that company's fields.
        private static func read(step: Int, of probe: inout Probe, _ p: Projector) {
            switch probe.table {
            case .none, .contactSlot:
                return
            case .account:
                if step == 1 {
                    guard let ai = p.accountNames.likelyID(probe.key), Int(ai) < p.dynamicsAccounts.count else { probe.table = .none; return }
                    probe.id = ai
                    p.dynamicsAccounts.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + Int(ai)) }
                    p.accountVersions.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + Int(ai)) }
                } else if step == 2 {
                    p.dynamicsAccounts.withUnsafeBufferPointer { prefetchFields(of: $0.baseAddress! + Int(probe.id)) }
                }
            case .contact:
                if step == 1 {
                    guard let ci = p.contactNames.likelyID(probe.key), Int(ci) < p.contacts.count else { probe.table = .none; return }
                    probe.id = ci
                    p.contacts.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + Int(ci)) }
                } else if step == 2 {
                    // From here on, the id is the company's.
                    probe.id = p.contacts.withUnsafeBufferPointer { $0[Int(probe.id)]?.open?.account } ?? -1
                    guard probe.id >= 0, Int(probe.id) < p.companies.count else { probe.table = .none; return }
                    p.companies.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + Int(probe.id)) }
                    p.accountVersions.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + Int(probe.id)) }
                } else {
                    p.companies.withUnsafeBufferPointer { prefetchFields(of: $0.baseAddress! + Int(probe.id)) }
                }
            }
        }

        /// For a landing cycle's loop over the contacts it creates and moves: the contact's
        /// record (its id is known since the event applied) and the slot of its account's id.
        static func link(_ carried: Carried, _ p: Projector) {
            switch carried.event.kind {
            case .contactCreate(_, let a, _):
                if let a { p.accountNames.prefetch(Interner.key(a)) }
            case .contactMove(_, let a):
                p.accountNames.prefetch(Interner.key(a))
            default:
                return
            }
            guard carried.contact >= 0, Int(carried.contact) < p.contacts.count else { return }
            p.contacts.withUnsafeBufferPointer { syncsim_prefetch($0.baseAddress! + Int(carried.contact)) }
        }

        /// For a landing cycle's loop over its plans: what writing the plan `ahead` places on will
        /// read (`2`: its company's record; `1`: that company's fields, members and local edits,
        /// the record being in by then, and the plan's own values).
        static func plan(_ k: Int, of plans: [Cycle.AccountPlan], ahead: Int, _ p: Projector) {
            let ai = plans[k].account
            guard ai >= 0, Int(ai) < p.companies.count else { return }
            p.companies.withUnsafeBufferPointer { c in
                if ahead == 2 {
                    syncsim_prefetch(c.baseAddress! + Int(ai))
                } else {
                    prefetchFields(of: c.baseAddress! + Int(ai))
                    if c[Int(ai)] != nil {
                        prefetchArray(at: UnsafeRawPointer(c.baseAddress! + Int(ai)) + Company.membersOffset)
                        prefetchArray(at: UnsafeRawPointer(c.baseAddress! + Int(ai)) + Company.localEditsOffset)
                    }
                    plans.withUnsafeBufferPointer { prefetchArray(at: UnsafeRawPointer($0.baseAddress! + k) + Cycle.AccountPlan.valuesOffset) }
                }
            }
        }

        /// For a snapshot about to encode account `ai`: at step 2 its Dynamics and Marketo records,
        /// at step 1 (the records in by then) their fields and the company's local edits.
        static func prefetchAccount(_ ai: Int, step: Int, dynamics: UnsafeBufferPointer<DynamicsAccount?>,
                                    companies: UnsafeBufferPointer<Company?>) {
            if step == 2 {
                syncsim_prefetch(dynamics.baseAddress! + ai)
                syncsim_prefetch(companies.baseAddress! + ai)
                return
            }
            prefetchFields(of: dynamics.baseAddress! + ai)
            prefetchFields(of: companies.baseAddress! + ai)
            if companies[ai] != nil {
                prefetchArray(at: UnsafeRawPointer(companies.baseAddress! + ai) + Company.localEditsOffset)
            }
        }

        /// Asks for the first lines of the fields of the record at `record` (a Dynamics account or
        /// a company), if there is one.
        static func prefetchFields<R: HasFields>(of record: UnsafePointer<R?>) {
            guard record.pointee != nil else { return }
            prefetchArray(at: UnsafeRawPointer(record) + R.fieldsOffset)
        }

        /// Asks for the first lines (the header, with the count, and the first elements) of the
        /// array stored at `address`. The array's one word, its buffer, is read raw: copying the
        /// array would retain the buffer, a write that waits for the very line asked for.
        static func prefetchArray(at address: UnsafeRawPointer) {
            guard let start = arrayBuffer(at: address) else { return }
            prefetchBuffer(start)
        }

        /// Asks for the first lines of an array's buffer: its header, with the count, and the
        /// first elements.
        static func prefetchBuffer(_ start: UnsafeRawPointer) {
            syncsim_prefetch(start)
            syncsim_prefetch(start + 64)
        }

        /// The buffer of the array stored at `address`: its elements follow a 32-byte header.
        /// Tests check that it is the array's own.
        static func arrayBuffer(at address: UnsafeRawPointer) -> UnsafeRawPointer? {
            UnsafeRawPointer(bitPattern: address.load(as: UInt.self))
        }
    }
}

/// A record with ``FieldValues``, and where they are in it, so that ``Projector/Prefetcher`` can
/// find their buffer without copying them. Stored in an array as an optional, the record is at
/// the start of the optional's storage (a test checks it).
protocol HasFields {
    static var fieldsOffset: Int { get }
}

extension DynamicsAccount: HasFields {
    static let fieldsOffset = MemoryLayout<DynamicsAccount>.offset(of: \DynamicsAccount.fields.entries)!
}

extension Company: HasFields {
    static let fieldsOffset = MemoryLayout<Company>.offset(of: \Company.fields.entries)!
    static let membersOffset = MemoryLayout<Company>.offset(of: \Company.members)!
    static let localEditsOffset = MemoryLayout<Company>.offset(of: \Company.localEdits)!
}

extension Projector.Cycle.AccountPlan {
    static let valuesOffset = MemoryLayout<Self>.offset(of: \Self.values.entries)!
}
