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

/// A run's timeline handed on as it is made narrates as the timeline kept whole.
@Suite struct StreamedTimelineTests {
    @Test(arguments: Array(UInt64(1)...12))
    func aTimelineHandedOnAsItIsMadeNarratesTheSame(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let events = stream.generate()
        let narrator = Narrator(style: Style(color: false))
        let whole = Simulation.run(rules: stream.rules(), events: events)
        var streamed: [String] = []
        var pieces = 0
        let outcome = Simulation.run(rules: stream.rules(), events: events) {
            streamed += narrator.timeline($0)
            pieces += 1
        }
        #expect(outcome.steps.isEmpty, "seed \(seed): the steps were handed on")
        #expect(streamed == narrator.timeline(whole.steps), "seed \(seed)")
        #expect(pieces > 1 && streamed.count > 10, "seed \(seed)")
        #expect(outcome.final.projection() == whole.final.projection())
    }
}
