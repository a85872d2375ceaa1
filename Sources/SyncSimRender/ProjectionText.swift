import SyncSimCore

/// A projection as text: accounts with both sides, then contacts.
public struct ProjectionText: Sendable {
    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// The projection; with `causes`, each Marketo value is followed by why it is what it is.
    public func lines(_ p: Projection, causes: [String: [String: Explainer.Entry]]? = nil) -> [String] {
        var out = [style.bold("at \(TextFormat.time(p.at))") + (p.partial ? "" : style.dim("  digest \(p.digest)"))]
        out.append(style.bold("accounts"))
        if p.accounts.isEmpty { out.append("  (none)") }
        for a in p.accounts.keys.sorted(by: CanonicalJSON.utf8Less) {
            let v = p.accounts[a]!
            out.append("  \(a)" + (v.deletedInDynamics ? style.yellow("  deletedInDynamics") : ""))
            out.append("    Dynamics: " + (v.dynamics.map(TextFormat.fields) ?? "(not in Dynamics)"))
            out.append("    Marketo:  " + (v.marketo.map(TextFormat.fields) ?? "(not in Marketo)"))
            if let why = causes?[a], let shown = v.marketo {
                for f in shown.keys.sorted(by: CanonicalJSON.utf8Less) {
                    guard let e = why[f] else { continue }
                    out.append("      \(f) = \(TextFormat.value(shown[f]!)) since \(TextFormat.time(e.at)): " + style.dim(TextFormat.text(e.cause)))
                    if let lost = e.lost { out.append("        " + style.magenta(TextFormat.text(lost))) }
                }
            }
        }
        out.append(style.bold("contacts in Marketo"))
        if p.contacts.isEmpty { out.append("  (none)") }
        for c in p.contacts.keys.sorted(by: CanonicalJSON.utf8Less) {
            let v = p.contacts[c]!
            out.append("  \(c)  account \(v.account ?? "(none)")  \(TextFormat.plural(v.activities, "activity", "activities"))  \(TextFormat.fields(v.fields))")
        }
        if !p.rejected.isEmpty {
            out.append(style.bold("rejected events"))
            for r in p.rejected {
                out.append("  #\(r.seq) at \(TextFormat.time(r.at)) \(r.type): \(TextFormat.text(r.reason))")
            }
        }
        return out
    }
}
