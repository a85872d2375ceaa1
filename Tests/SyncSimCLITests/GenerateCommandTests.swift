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

    /// Version 2's workloads: a capacity and the filter in the first line, a mass update of the
    /// share asked for at its instant, the filter field toggled on a share of accounts; a queue
    /// builds at the burst and stale companies appear. Bad values exit 2.
    @Test func version2Workloads() throws {
        let dir = Binary.tempDir()
        let args = ["generate", "--events", "20000", "--capacity", "100", "--burst", "0.3@12h", "--filter-share", "0.1", "-o", "v2.jsonl"]
        #expect(try Binary.run(args, in: dir).status == 0)
        let lines = try String(contentsOfFile: dir + "/v2.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20001)
        #expect(lines[0].contains(#""capacity":100"#) && lines[0].contains(#""filter":"new_synctomkto""#), "\(lines[0])")
        // 400 accounts (events / 50): the first 120 updated at 12h in one go, but for those deleted before.
        let events = try lines.dropFirst().map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let deleted = Set(events.filter { $0["type"] as? String == "dynamics.account.delete" && ($0["at"] as? Int ?? 0) < 43200 }
            .compactMap { $0["account"] as? String })
        let burst = events.filter { $0["at"] as? Int == 43200 && ($0["fields"] as? [String: Any])?["tier"] as? String == "platinum" }
        #expect(burst.compactMap { $0["account"] as? String } == (0..<120).map { "a\($0)" }.filter { !deleted.contains($0) })
        #expect(lines.contains { $0.contains(#""new_synctomkto":false"#) } && lines.contains { $0.contains(#""new_synctomkto":true"#) })
        #expect(try Binary.run(["import", "v2.jsonl", "--db", "v2.db"], in: dir).status == 0)
        // The cycle at 12h0m30s carries 100 of the burst's records and more wait.
        let shown = try Binary.run(["show", "v2.db", "--at", "12h1m", "--json"], in: dir)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let queue = try #require(json["queue"] as? [String: Any])
        #expect((queue["records"] as? Int ?? 0) >= 20, "\(queue)")
        let accounts = try #require(json["accounts"] as? [String: [String: Any]])
        #expect(accounts.values.contains { $0["stale"] as? Bool == true })
        for bad in [["--capacity", "0"], ["--burst", "2@1h"], ["--burst", "0.5"], ["--filter-share", "1.5"]] {
            let r = try Binary.run(["generate", "--events", "10"] + bad)
            #expect(r.status == 2 && r.stderr.contains("--"), "\(bad): \(r.stderr)")
        }
    }
}
