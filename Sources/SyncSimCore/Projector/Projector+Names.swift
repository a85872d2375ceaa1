extension Projector {
    /// Whether an event applied so far named the contact.
    public func knows(contact c: String) -> Bool { contactNames.lookup(c) != nil }

    /// Whether an event applied so far named the account.
    public func knows(account a: String) -> Bool { accountNames.lookup(a) != nil }

    /// The known contact (`contact` true) or account id closest to `id` by edit distance, if one
    /// is close: at most a third of its length away, and at least one edit (ties: the first in
    /// UTF-8 order). For "did you mean" in messages.
    public func closest(to id: String, contact: Bool) -> String? {
        let names = contact ? contactNames.names : accountNames.names
        let limit = max(1, id.count / 3)
        var best: (distance: Int, name: String)?
        for name in names where abs(name.count - id.count) <= limit {
            let d = Self.editDistance(Array(id.utf8), Array(name.utf8))
            guard d <= limit else { continue }
            if best == nil || d < best!.distance || (d == best!.distance && CanonicalJSON.utf8Less(name, best!.name)) {
                best = (d, name)
            }
        }
        return best?.name
    }

    /// Levenshtein distance of two byte strings.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                let next = min(row[j] + 1, row[j - 1] + 1, previous + cost)
                previous = row[j]
                row[j] = next
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
