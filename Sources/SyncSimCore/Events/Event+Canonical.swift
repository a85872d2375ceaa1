extension Event {
    /// Appends the event's canonical JSON without building a tree: the same bytes as
    /// `CanonicalJSON.bytes(for: json)` (a property test holds them equal), written fast
    /// because every recorded event passes through here.
    public func writeCanonical(to w: inout JSONWriter) {
        w.byte(UInt8(ascii: "{"))
        func fields(_ f: EventFields) {
            w.key("fields")
            w.byte(UInt8(ascii: "{"))
            var first = true
            for (k, v) in f {  // already in canonical order
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.string(k)
                w.byte(UInt8(ascii: ":"))
                w.value(v)
            }
            w.byte(UInt8(ascii: "}"))
            w.byte(UInt8(ascii: ","))
        }
        func account(_ a: String) {
            w.key("account")
            w.string(a)
            w.byte(UInt8(ascii: ","))
        }
        func contact(_ c: String) {
            w.key("contact")
            w.string(c)
            w.byte(UInt8(ascii: ","))
        }
        func at() {
            w.key("at")
            w.integer(self.at)
            w.byte(UInt8(ascii: ","))
        }
        func note() {
            if let n = self.note {
                w.key("note")
                w.string(n)
                w.byte(UInt8(ascii: ","))
            }
        }
        func type() {
            w.key("type")
            w.byte(UInt8(ascii: "\""))
            w.raw(kind.type.staticName)
            w.byte(UInt8(ascii: "\""))
        }
        switch kind {
        case .accountCreate(let a, let f):
            account(a); at(); fields(f); note(); type()
        case .accountUpdate(let a, let f):
            account(a); at(); fields(f); note(); type()
        case .accountDelete(let a):
            account(a); at(); note(); type()
        case .contactCreate(let c, let a, let f):
            if let a { account(a) }
            at(); contact(c)
            if !f.isEmpty { fields(f) }
            note(); type()
        case .contactMove(let c, let a):
            account(a); at(); contact(c); note(); type()
        case .marketoAccountEdit(let c, let f):
            at(); contact(c); fields(f); note(); type()
        case .marketoAccountCreate(let a, let f):
            account(a); at()
            if !f.isEmpty { fields(f) }
            note(); type()
        case .configure:
            // Rare: the generic writer keeps the rule keys in order.
            w.bytes.removeLast()
            w.write(json)
            return
        }
        w.byte(UInt8(ascii: "}"))
    }

    /// The event's canonical JSON bytes.
    public var canonicalBytes: [UInt8] {
        var w = JSONWriter(capacity: 128)
        writeCanonical(to: &w)
        return w.bytes
    }
}
