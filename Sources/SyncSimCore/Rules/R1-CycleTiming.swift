/// R1: "Marketo syncs, then waits 5 minutes, then syncs again, all day."
///
/// The format: cycle k starts at `start + k × (interval + duration)` and ends `duration`
/// later. It carries every Dynamics event with `at` strictly before its start that no earlier
/// cycle carried, and its writes land in Marketo when it ends. With the defaults, cycles run at
/// 0s, 5m, 10m, ...: a Dynamics change at 6m shows at 10m, one at exactly 5m also at 10m.
extension SyncRules {
    /// Time between the starts of two consecutive cycles.
    public var period: Seconds { interval + duration }

    /// Start of the first cycle that starts strictly after `instant`: the cycle that carries a
    /// Dynamics event made at `instant`.
    public func cycleStart(after instant: Seconds) -> Seconds {
        if instant < start { return start }
        return start + ((instant - start) / period + 1) * period
    }

    /// Index k of the cycle that starts at `cycleStart`.
    public func cycleIndex(startingAt cycleStart: Seconds) -> Int64 {
        (cycleStart - start) / period
    }

    /// When the cycle that starts at `cycleStart` lands its writes.
    public func cycleEnd(startingAt cycleStart: Seconds) -> Seconds { cycleStart + duration }

    /// Whether a cycle starting at `cycleStart` carries an event made at `instant`.
    public static func carries(eventAt instant: Seconds, cycleStartingAt cycleStart: Seconds) -> Bool {
        instant < cycleStart
    }
}
