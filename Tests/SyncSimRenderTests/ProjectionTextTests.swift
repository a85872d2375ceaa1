import Testing
import SyncSimCore
import SyncSimRender

/// The whole projection rendered as it is made (`show` without `--contact`/`--account`) gives
/// the lines of the projection built whole.
@Suite struct ProjectionTextTests {
    @Test(arguments: Array(UInt64(1)...12))
    func writtenAsItIsMadeItIsTheWholeProjectionsText(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let rules = stream.rules()
        let events = stream.generate()
        var iterator = events.makeIterator()
        let (explainer, projector) = Explainer.run(rules: rules, events: &iterator, contact: nil, through: (events.last?.at ?? 0) + 600)
        for style in [Style(color: false), Style(color: true)] {
            let text = ProjectionText(style: style)
            for causes in [nil, explainer.causes] {
                var streamed: [String] = []
                text.write(ProjectionWriter(projector), causes: causes) { streamed.append($0) }
                let whole = text.lines(projector.projection(), causes: causes)
                #expect(streamed == whole, "seed \(seed)")
                #expect(whole.count > 4, "seed \(seed): the stream projects accounts and contacts")
            }
        }
    }
}
