/// Builds a ``Scenario`` from a parsed YAML document, or from the events of a JSON Lines stream,
/// checking every rule of the format's section 2.
public enum ScenarioDecoder {
    static let topKeys = ["scenario", "title", "description", "sync", "events", "expect"]

    /// Decodes a scenario document.
    public static func decode(_ root: SourceNode) throws(DecodeError) -> Scenario {
        let m = try MappingReader(root, what: "a scenario")
        try m.rejectUnknown(topKeys, in: "the scenario")
        let idNode = try m.required("scenario", in: "the scenario")
        let id = try ValueDecoding.text(idNode, what: "scenario")
        guard Scenario.isValidID(id) else {
            throw DecodeError("invalid scenario id '\(ValueDecoding.printable(id))': expected lowercase letters, digits and '-'", at: idNode.position)
        }
        var scenario = Scenario(id: id)
        scenario.title = try m.optional("title").map { n throws(DecodeError) in try ValueDecoding.text(n, what: "title") }
        scenario.description = try m.optional("description").map { n throws(DecodeError) in try ValueDecoding.text(n, what: "description") }
        if let s = m.optional("sync") {
            if case .scalar(.null) = s.kind {} else { scenario.sync = try RulesDecoder.syncBlock(s) }
        }
        let eventsNode = try m.required("events", in: "the scenario")
        let items = try list(eventsNode, what: "events")
        var validator = EventValidator()
        for item in items {
            let event = try EventDecoder.decode(item).event
            try admit(event, item, &validator)
            scenario.events.append(event)
            scenario.eventPositions.append(item.position)
        }
        if let e = m.optional("expect") {
            for item in try list(e, what: "expect") {
                scenario.expectations.append(try ExpectationDecoder.decode(item))
            }
        }
        return scenario
    }

    /// Runs the cross-event checks, reporting at the offending key's value.
    public static func admit(_ event: Event, _ node: SourceNode, _ validator: inout EventValidator) throws(DecodeError) {
        do {
            try validator.admit(event)
        } catch {
            let m = try MappingReader(node, what: "an event")
            throw DecodeError(error.message, at: m.valuePosition(error.key))
        }
    }

    private static func list(_ node: SourceNode, what: String) throws(DecodeError) -> [SourceNode] {
        switch node.kind {
        case .sequence(let items): return items
        case .scalar(.null): return []
        default: throw DecodeError("expected \(what): a list, found \(node.shapeName)", at: node.position)
        }
    }
}
