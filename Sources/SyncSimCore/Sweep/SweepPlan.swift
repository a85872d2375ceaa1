/// The variants of a sweep (format 5.5): every combination of the values given for each varied
/// `sync` key, the first key's values changing slowest, numbered from 0 in that order. A shard
/// `I/N` holds the variants whose number modulo N is I.
public struct SweepPlan: Sendable, Equatable {
    /// A varied key and its values, as the user wrote them (`capacity`, `["50", "unlimited"]`).
    public struct Axis: Sendable, Equatable {
        public var key: String
        public var values: [String]

        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    /// A part of a sweep: the variants whose number modulo `count` is `index`.
    public struct Shard: Sendable, Equatable {
        public var index: Int
        public var count: Int

        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }

        /// Reads `I/N` (0 ≤ I < N), or nil when the text is not of that form.
        public init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else { return nil }
            (index, count) = (i, n)
        }

        public func holds(_ variant: Int) -> Bool { variant % count == index }
    }

    public var axes: [Axis]

    public init(axes: [Axis]) {
        self.axes = axes
    }

    /// How many variants the sweep has.
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The settings of variant `index`: one value for each key, in the order of the axes.
    public func settings(of index: Int) -> [(key: String, value: String)] {
        var rest = index
        var picked: [(key: String, value: String)] = []
        for axis in axes.reversed() {
            picked.append((axis.key, axis.values[rest % axis.values.count]))
            rest /= axis.values.count
        }
        return picked.reversed()
    }

    /// The variants a shard holds (all of them without one), in order.
    public func variants(in shard: Shard?) -> [Int] {
        (0..<count).filter { shard?.holds($0) ?? true }
    }

    /// Splits the values of `--vary KEY=V1,V2,...` at the commas outside brackets and quotes, so
    /// that a YAML list such as `fields=[name, industry],all` stays one value.
    public static func values(_ list: Substring) -> [String] {
        var values: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for c in list {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "[" || c == "{" {
                depth += 1
            } else if c == "]" || c == "}" {
                depth -= 1
            } else if c == ",", depth == 0 {
                values.append(current.trimmingSpaces)
                current = ""
                continue
            }
            current.append(c)
        }
        values.append(current.trimmingSpaces)
        return values
    }
}

private extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
