import Foundation
import SyncSimCore

/// A `--contact` or `--account` that no event of the run names is bad input, said on standard
/// error with the closest id that exists, rather than an empty projection.
enum UnknownIDs {
    /// An id that no event names.
    struct Unknown: Error, CustomStringConvertible {
        var source: String
        var id: String
        var isContact: Bool
        var closest: String?

        var description: String {
            "\(source): error: no event names \(isContact ? "contact" : "account") '\(id)'" + (closest.map { " (did you mean '\($0)'?)" } ?? "")
        }
    }

    /// Throws for the first of `contacts` and `accounts` that `known` has not seen and that no
    /// event names (`names`: the run's own answer, asked only for those). The closest id is
    /// `known`'s, or `everyName`'s when given: a projector that has seen every name through the
    /// instant, when `known` replayed only some events.
    static func check(_ source: String, contacts: [String], accounts: [String], known: Projector,
                      everyName: (() throws -> Projector)? = nil,
                      names: (_ id: String, _ isContact: Bool) throws -> Bool) throws {
        for (ids, isContact) in [(contacts, true), (accounts, false)] {
            for id in ids where !(isContact ? known.knows(contact: id) : known.knows(account: id)) {
                if try names(id, isContact) { continue }
                let all = try everyName?() ?? known
                throw Unknown(source: source, id: id, isContact: isContact, closest: all.closest(to: id, contact: isContact))
            }
        }
    }
}
