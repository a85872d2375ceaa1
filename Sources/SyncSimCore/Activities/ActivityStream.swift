/// Every "Change Data Value" activity of a run, in the order of format 5.6, one batch at a time:
/// by instant; within an instant, the activities of the cycle that lands then, then those of
/// each Marketo edit in log order; within each, by contact id, then field name (UTF-8 bytes).
///
/// A batch is what one cycle or one edit logged, so memory follows the largest batch, not the
/// run. ``ReferenceActivities`` is the same list built plainly from ``ReferenceProjector``;
/// a test holds the two equal.
public enum ActivityStream {
    /// One change of a company field that logged activities.
    public struct Change: Sendable, Equatable {
        public var field: String
        public var old: Value
        public var new: Value
        public var source: ActivitySource
    }

    /// The activities one cycle or one Marketo edit logged.
    public struct Batch: Sendable {
        public var at: Seconds
        public var cause: ActivityCause
        public var changes: [Change]
        /// In export order: each activity's contact and its change (an index of ``changes``).
        public var activities: [(contact: String, change: Int)]
    }

    /// Folds `events` through `end` (nil: until the run settles) and hands each batch to
    /// `body`, in order.
    public static func forEach<I: IteratorProtocol<Event>>(
        rules: SyncRules, events: I, through end: Seconds?, _ body: (Batch) throws -> Void
    ) rethrows {
        var projector = Projector(rules: rules)
        projector.exportsActivities = true
        var walker = InstantWalker(events)
        var order = MemberOrder()
        while let t = walker.nextInstant(projector), end.map({ t <= $0 }) ?? true {
            walker.play(t, on: &projector)
            let logged = projector.takeLoggedChanges()
            var i = 0
            while i < logged.count {
                var j = i + 1
                while j < logged.count, logged[j].cause == logged[i].cause { j += 1 }
                try body(order.batch(logged[i..<j], projector))
                i = j
            }
        }
    }

    /// Sorts the members of the companies a batch wrote, keeping each company's sorted members
    /// while they stay the same (a large company is written by many cycles and edits).
    struct MemberOrder {
        /// By account id: its members when last sorted, and their names in UTF-8 byte order.
        private var sorted: [Int32: (members: [Int32], names: [String])] = [:]

        mutating func names(of account: Int32, members: [Int32], _ p: Projector) -> [String] {
            // Comparing arrays that share their storage is immediate.
            if let s = sorted[account], s.members == members { return s.names }
            let names = members.map { p.contactNames[$0] }.sorted(by: CanonicalJSON.utf8Less)
            sorted[account] = (members, names)
            return names
        }

        /// The batch of changes made by one cycle or one edit (consecutive in `logged`).
        mutating func batch(_ logged: ArraySlice<LoggedChange>, _ p: Projector) -> Batch {
            let first = logged[logged.startIndex]
            // Blocks: consecutive changes of one company with the same members.
            var blocks: [(names: [String], changes: [Int])] = []
            var changes: [Change] = []
            var k = logged.startIndex
            while k < logged.endIndex {
                var l = k + 1
                while l < logged.endIndex, logged[l].account == logged[k].account, logged[l].members == logged[k].members { l += 1 }
                let range = changes.count..<changes.count + (l - k)
                for c in logged[k..<l] {
                    changes.append(Change(field: p.fieldNames[c.field], old: c.old, new: c.new, source: c.source))
                }
                let ordered = range.sorted { byField(changes, $0, $1) }
                blocks.append((names(of: logged[k].account, members: logged[k].members, p), ordered))
                k = l
            }
            var activities: [(contact: String, change: Int)] = []
            activities.reserveCapacity(blocks.reduce(0) { $0 + $1.names.count * $1.changes.count })
            if blocks.count == 1 {
                for name in blocks[0].names {
                    for c in blocks[0].changes { activities.append((name, c)) }
                }
            } else {
                // Each contact with the changes of every block it is a member of, by field name.
                var members: [(name: String, block: Int)] = []
                for (b, block) in blocks.enumerated() { for name in block.names { members.append((name, b)) } }
                members.sort { same($0.name, $1.name) ? $0.block < $1.block : CanonicalJSON.utf8Less($0.name, $1.name) }
                var m = 0
                while m < members.count {
                    var n = m + 1
                    while n < members.count, same(members[n].name, members[m].name) { n += 1 }
                    var own = members[m..<n].flatMap { blocks[$0.block].changes }
                    if n - m > 1 { own.sort { byField(changes, $0, $1) } }
                    for c in own { activities.append((members[m].name, c)) }
                    m = n
                }
            }
            return Batch(at: first.at, cause: first.cause, changes: changes, activities: activities)
        }

        /// Ids and field names compare by their UTF-8 bytes (Swift's `==` would equate two
        /// spellings of one character).
        private func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

        /// By field name, then in the order made.
        private func byField(_ changes: [Change], _ a: Int, _ b: Int) -> Bool {
            same(changes[a].field, changes[b].field) ? a < b : CanonicalJSON.utf8Less(changes[a].field, changes[b].field)
        }
    }
}
