import SyncSimCore

/// An explained history as terminal text.
public struct ExplainText: Sendable {
    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    /// The history of `explainer.contact`, optionally of one field, and what it shows now, line
    /// by line to `out` as each is made (the history of a contact of a large account is
    /// hundreds of thousands of lines).
    public func write(_ explainer: Explainer, projector: Projector, field: String?, at: Seconds, to out: (String) -> Void) {
        guard let c = explainer.contact else { return }
        out(style.bold("contact \(c)") + " up to \(TextFormat.time(at))")
        var any = false
        for e in explainer.history where field == nil || e.field == nil || e.field == field {
            any = true
            let stamp = TextFormat.pad(TextFormat.time(e.at), 7)
            if let f = e.field {
                out("  \(stamp) \(style.bold(f)): \(TextFormat.value(e.old)) -> \(style.bold(TextFormat.value(e.new)))")
                out("          " + TextFormat.text(e.cause))
                if let lost = e.lost { out("          " + style.magenta(TextFormat.text(lost))) }
                if !e.activity.isEmpty { out("          " + style.dim(TextFormat.text(e.activity))) }
            } else {
                out("  \(stamp) " + style.cyan(TextFormat.text(e.cause)))
            }
        }
        if !any { out("  nothing happened to \(c) by then") }
        out("")
        if projector.contactInMarketo(c) {
            var shown = projector.shownFields(of: c)
            if let field { shown = shown.filter { $0.key == field } }
            let t = projector.activityTally(of: c)
            out("now: \(c) shows \(TextFormat.fields(shown)) from \(projector.marketoAccount(of: c) ?? "no account"); "
                + "\(TextFormat.plural(t.total, "activity", "activities")) (\(t.dynamics) dynamics, \(t.marketo) marketo)")
        } else {
            out("now: \(c) is not in Marketo")
        }
    }
}
