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
    /// event names (`names`: the run's own answer, asked only for those).
    static func check(_ source: String, contacts: [String], accounts: [String], known: Projector,
                      names: (_ id: String, _ isContact: Bool) throws -> Bool) throws {
        for (ids, isContact) in [(contacts, true), (accounts, false)] {
            for id in ids where !(isContact ? known.knows(contact: id) : known.knows(account: id)) {
                if try names(id, isContact) { continue }
                throw Unknown(source: source, id: id, isContact: isContact, closest: known.closest(to: id, contact: isContact))
            }
        }
    }
}
