import Foundation
import Testing

/// The help texts, and the `SYNCSIM_SHADOW` switch through the built binary.
@Suite struct HelpAndShadowTests {
    static let commands = ["", "run", "show", "diff", "explain", "stats", "sweep", "activities", "report", "verify", "import", "generate"]

    /// Every line of every help text fits an 80-column terminal, so nothing breaks mid-word.
    @Test(arguments: commands)
    func helpFitsEightyColumns(command: String) throws {
        let r = try Binary.run(["help"] + (command.isEmpty ? [] : [command]))
        #expect(r.status == 0)
        for line in r.stdout.split(separator: "\n") {
            #expect(line.count <= 80, "syncsim help \(command): \(line.count) columns: \(line)")
        }
    }

    /// With the reference projector in shadow, every scenario and a generated stream give the
    /// same output as without it (the engine and the reference never differ on them).
    @Test func theShadowAgreesAndChangesNoOutput() throws {
        let dir = Binary.tempDir()
        let stream = dir + "/day.jsonl"
        #expect(try Binary.run(["generate", "--events", "1500", "--seed", "5", "-o", stream]).status == 0)
        for args in [["run", "Scenarios/local-edit-overwritten.yaml"], ["run", "Scenarios/r9-activity-limit.yaml", "--json"],
                     ["run", stream, "--json"], ["explain", stream, "--contact", "c1"]] {
            let plain = try Binary.run(args, in: Binary.root)
            let shadowed = try Binary.run(args, in: Binary.root, environment: ["SYNCSIM_SHADOW": "1"])
            #expect(shadowed.status == plain.status, "\(args): \(shadowed.stderr)")
            #expect(shadowed.stdout == plain.stdout, "\(args)")
            #expect(shadowed.stderr.isEmpty, "\(args): \(shadowed.stderr)")
        }
        let db = dir + "/day.db"
        #expect(try Binary.run(["import", stream, "--db", db], environment: ["SYNCSIM_SHADOW": "7"]).status == 0)
        let plain = try Binary.run(["show", db, "--at", "8h", "--json"])
        let shadowed = try Binary.run(["show", db, "--at", "8h", "--json"], environment: ["SYNCSIM_SHADOW": "50"])
        #expect(shadowed.status == 0 && shadowed.stdout == plain.stdout, "\(shadowed.stderr)")
    }
}
