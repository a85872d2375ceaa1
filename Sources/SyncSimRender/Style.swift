/// Terminal styling: ANSI colours when enabled, plain text otherwise.
public struct Style: Sendable {
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    /// Colours on a terminal, none when piped or when `NO_COLOR` is set.
    public static func forTerminal(isTTY: Bool, environment: [String: String]) -> Style {
        Style(color: isTTY && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb")
    }

    private func wrap(_ code: String, _ s: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public func bold(_ s: String) -> String { wrap("1", s) }
    public func dim(_ s: String) -> String { wrap("2", s) }
    public func red(_ s: String) -> String { wrap("31", s) }
    public func green(_ s: String) -> String { wrap("32", s) }
    public func yellow(_ s: String) -> String { wrap("33", s) }
    public func blue(_ s: String) -> String { wrap("34", s) }
    public func magenta(_ s: String) -> String { wrap("35", s) }
    public func cyan(_ s: String) -> String { wrap("36", s) }
}
