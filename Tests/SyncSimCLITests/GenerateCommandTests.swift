import Foundation
import Testing

@Suite struct GenerateCommandTests {
    @Test func theSameSeedGivesTheSameBytes() throws {
        let a = try Binary.run(["generate", "--events", "3000", "--seed", "9"])
        let b = try Binary.run(["generate", "--events", "3000", "--seed", "9"])
        let c = try Binary.run(["generate", "--events", "3000", "--seed", "10"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        let lines = a.stdout.split(separator: "\n")
        #expect(lines.count == 3001, "3000 events and the leading rules line")
        #expect(lines[0].contains(#""type":"sync.configure""#))
    }

    @Test func aGeneratedDayImportsAndShowsOneContact() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["generate", "--events", "5000", "--accounts", "40", "--contacts", "800", "-o", "day.jsonl"], in: dir).status == 0)
        let imported = try Binary.run(["import", "day.jsonl", "--db", "day.db"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        let one = try Binary.run(["show", "day.db", "--at", "12h", "--contact", "c1", "--json"], in: dir)
        #expect(one.status == 0)
        #expect(one.stdout.hasPrefix(#"{"accounts":{},"at":43200,"contacts":{"c1":{"account":"#))
        #expect(!one.stdout.contains("digest"))
        let full = try Binary.run(["show", "day.db", "--at", "12h", "--json"], in: dir)
        #expect(full.stdout.contains(#""digest":"sha256:"#))
        #expect(try Binary.run(["verify", "day.db"], in: dir).status == 0)
    }
}
