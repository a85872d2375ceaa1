import ArgumentParser
import SyncSimCore

/// A time given on the command line: seconds or a duration like `10m`.
struct TimeArgument: ExpressibleByArgument {
    var seconds: Seconds

    init?(argument: String) {
        if let s = Seconds(argument), s >= 0, s <= SimTime.maximum { seconds = s }
        else if let s = SimTime.parse(argument) { seconds = s }
        else { return nil }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
