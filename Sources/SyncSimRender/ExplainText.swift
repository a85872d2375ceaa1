import SyncSimCore

/// An explained history as terminal text.
public struct ExplainText: Sendable {
    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// The history of `explainer.contact`, optionally of one field, and what it shows now.
    public func lines(_ explainer: Explainer, projector: Projector, field: String?, at: Seconds) -> [String] {
        guard let c = explainer.contact else { return [] }
        var out = [style.bold("contact \(c)") + " up to \(TextFormat.time(at))"]
        let entries = explainer.history.filter { field == nil || $0.field == nil || $0.field == field }
        if entries.isEmpty { out.append("  nothing happened to \(c) by then") }
        for e in entries {
            let stamp = TextFormat.pad(TextFormat.time(e.at), 7)
            if let f = e.field {
                out.append("  \(stamp) \(style.bold(f)): \(TextFormat.value(e.old)) -> \(style.bold(TextFormat.value(e.new)))")
                out.append("          " + TextFormat.text(e.cause))
                if let lost = e.lost { out.append("          " + style.magenta(TextFormat.text(lost))) }
                if !e.activity.isEmpty { out.append("          " + style.dim(TextFormat.text(e.activity))) }
            } else {
                out.append("  \(stamp) " + style.cyan(TextFormat.text(e.cause)))
            }
        }
        out.append("")
        if projector.contactInMarketo(c) {
            var shown = projector.shownFields(of: c)
            if let field { shown = shown.filter { $0.key == field } }
            let t = projector.activityTally(of: c)
            out.append("now: \(c) shows \(TextFormat.fields(shown)) from \(projector.marketoAccount(of: c) ?? "no account"); "
                       + "\(TextFormat.plural(t.total, "activity", "activities")) (\(t.dynamics) dynamics, \(t.marketo) marketo)")
        } else {
            out.append("now: \(c) is not in Marketo")
        }
        return out
    }
}
