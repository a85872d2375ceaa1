/// The fields an event names and their values (`null` clears a field): each name once, in
/// canonical order (by UTF-8 bytes, as canonical JSON writes them).
///
/// A sorted array rather than a dictionary: events are decoded by the million and most name one
/// to three fields, so a dictionary's allocation, type lookup and seeded hashing cost more than
/// the fields themselves, and every reader wants them in name order anyway.
public struct EventFields: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: Value)

    private var entries: [Element]

    public init() { entries = [] }

    /// Where the entries' storage begins (its header; the elements follow 32 bytes on), 0 if
    /// there is none: for ``Projector/Prefetcher`` to ask for, since an event's fields are made
    /// on the thread that reads it, and are not in the applying core's cache.
    var storageAddress: UInt {
        entries.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return 0 }
            return UInt(bitPattern: UnsafeRawPointer(p) - 32)
        }
    }

    /// The fields of a dictionary.
    public init(_ fields: [String: Value]) {
        entries = fields.map { (key: $0.key, value: $0.value) }
        entries.sort { CanonicalJSON.utf8Less($0.key, $1.key) }
    }

    /// Fields whose names are already in canonical order, each once.
    init(sorted entries: [Element]) {
        self.entries = entries
    }

    /// Fields whose names are unique, in any order; nil if a name repeats.
    init?(unique entries: [Element]) {
        self.entries = entries
        for i in self.entries.indices.dropFirst() where !CanonicalJSON.utf8Less(self.entries[i - 1].key, self.entries[i].key) {
            // Out of order (rare: canonical lines are in order): sort once, then look for repeats.
            self.entries.sort { CanonicalJSON.utf8Less($0.key, $1.key) }
            for j in self.entries.indices.dropFirst() where self.entries[j - 1].key == self.entries[j].key { return nil }
            return
        }
    }

    /// As a dictionary literal: a name given twice is a programming error, as it is for a dictionary.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(Dictionary(uniqueKeysWithValues: elements))
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Element { entries[position] }

    /// The value of the field `name`, if the event names it.
    public subscript(name: String) -> Value? {
        entries.first { $0.key == name }?.value
    }

    /// The names, in canonical order.
    public var keys: LazyMapSequence<[Element], String> { entries.lazy.map(\.key) }

    /// The fields as a dictionary.
    public var dictionary: [String: Value] {
        Dictionary(uniqueKeysWithValues: entries.lazy.map { ($0.key, $0.value) })
    }

    public static func == (a: EventFields, b: EventFields) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.key == $1.key && $0.value == $1.value }
    }
}
