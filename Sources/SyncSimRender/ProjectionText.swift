import SyncSimCore

/// A projection as text: accounts with both sides, then contacts.
public struct ProjectionText: Sendable {
    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// The projection; with `causes`, each Marketo value is followed by why it is what it is.
    public func lines(_ p: Projection, causes: [String: [String: Explainer.Entry]]? = nil) -> [String] {
        var out: [String] = []
        write(at: p.at, digest: p.partial ? nil : p.digest,
              accounts: p.accounts.keys.sorted(by: CanonicalJSON.utf8Less), account: { p.accounts[$0]! },
              contacts: p.contacts.keys.sorted(by: CanonicalJSON.utf8Less), contact: { p.contacts[$0]! },
              rejected: p.rejected, queue: p.queue, causes: causes) { out.append($0) }
        return out
    }

    /// The whole projection of `writer`'s projector, line by line to `out` as each is made: the
    /// same lines as ``lines(_:causes:)`` of that projection, without it built whole.
    public func write(_ writer: ProjectionWriter, causes: [String: [String: Explainer.Entry]]? = nil, to out: (String) -> Void) {
        write(at: writer.at, digest: writer.digest(),
              accounts: writer.accountIDs, account: writer.projector.accountView,
              contacts: writer.contactIDs, contact: writer.projector.contactView,
              rejected: writer.rejected, queue: writer.projector.queue, causes: causes, to: out)
    }

    /// The lines of a projection given member by member, `accounts` and `contacts` in order.
    private func write(at: Seconds, digest: String?,
                       accounts: [String], account: (String) -> Projection.AccountView,
                       contacts: [String], contact: (String) -> Projection.ContactView,
                       rejected: [Rejection], queue: QueueState, causes: [String: [String: Explainer.Entry]]?, to out: (String) -> Void) {
        out(style.bold("at \(TextFormat.time(at))") + (digest.map { style.dim("  digest \($0)") } ?? ""))
        if queue.records > 0 {
            let oldest = queue.oldest.map { ", the oldest change since \(TextFormat.time($0))" } ?? ""
            out(style.yellow("sync queue: \(TextFormat.plural(queue.records, "record")) pending\(oldest)"))
        }
        out(style.bold("accounts"))
        if accounts.isEmpty { out("  (none)") }
        for a in accounts {
            let v = account(a)
            out("  \(a)" + (v.deletedInDynamics ? style.yellow("  deletedInDynamics") : "")
                + (v.stale ? style.yellow("  stale (filtered out of the sync: no Dynamics updates reach it)") : ""))
            out("    Dynamics: " + (v.dynamics.map(TextFormat.fields) ?? "(not in Dynamics)"))
            out("    Marketo:  " + (v.marketo.map(TextFormat.fields) ?? "(not in Marketo)"))
            if let why = causes?[a], let shown = v.marketo {
                for f in shown.keys.sorted(by: CanonicalJSON.utf8Less) {
                    guard let e = why[f] else { continue }
                    out("      \(f) = \(TextFormat.value(shown[f]!)) since \(TextFormat.time(e.at)): " + style.dim(TextFormat.text(e.cause)))
                    if let lost = e.lost { out("        " + style.magenta(TextFormat.text(lost))) }
                }
            }
        }
        out(style.bold("contacts in Marketo"))
        if contacts.isEmpty { out("  (none)") }
        for c in contacts {
            let v = contact(c)
            out("  \(c)  account \(v.account ?? "(none)")  \(TextFormat.plural(v.activities, "activity", "activities"))  \(TextFormat.fields(v.fields))")
        }
        if !rejected.isEmpty {
            out(style.bold("rejected events"))
            for r in rejected {
                out("  " + TextFormat.rejection(r))
            }
        }
    }
}
