import Foundation
import Testing

/// `syncsim activities`: Marketo's shapes, read back with a real CSV reader, counted against
/// `show`, dated from `origin`, and bad input.
@Suite struct ActivitiesCommandTests {
    /// Reads CSV with Python's `csv` module: the rows as arrays of fields.
    static func readCSV(_ text: String, in dir: String) throws -> [[String]] {
        let path = try Binary.write(text, to: "activities.csv", in: dir)
        let r = try Binary.run(["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", path],
                               executable: "/usr/bin/python3")
        try #require(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String]]
    }

    /// On generated streams: eight columns, and per contact and source the counts `show` gives.
    @Test(arguments: [3, 17, 29])
    func csvCountsEqualTheProjections(seed: Int) throws {
        let dir = Binary.tempDir()
        let g = try Binary.run(["generate", "--seed", "\(seed)", "--events", "3000", "--accounts", "12", "--contacts", "90",
                                "--span", "6h", "-o", "day.jsonl"], in: dir)
        try #require(g.status == 0, "\(g.stderr)")
        #expect(try Binary.run(["import", "day.jsonl", "--db", "day.db"], in: dir).status == 0)
        // Both at an instant long after the day has settled.
        let csv = try Binary.run(["activities", "day.db", "--format", "csv", "--at", "2d"], in: dir)
        try #require(csv.status == 0, "\(csv.stderr)")
        let rows = try Self.readCSV(csv.stdout, in: dir)
        #expect(rows.first == ["marketoGUID", "leadId", "activityDate", "activityTypeId", "campaignId",
                               "primaryAttributeValueId", "primaryAttributeValue", "attributes"])
        #expect(rows.count > 100)
        var counts: [String: [String: Int]] = [:]
        for (i, row) in rows.dropFirst().enumerated() {
            try #require(row.count == 8, "row \(i + 1): \(row)")
            #expect(row[0] == "\(i + 1)" && row[3] == "13" && row[4] == "null" && row[5] == "null")
            let attributes = try JSONSerialization.jsonObject(with: Data(row[7].utf8)) as! [String: Any]
            #expect(Set(attributes.keys) == ["Old Value", "New Value", "Source", "Reason"])
            counts[row[1], default: [:]][attributes["Source"] as! String, default: 0] += 1
        }
        let show = try Binary.run(["show", "day.db", "--json", "--at", "2d"], in: dir)
        let contacts = (try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any])["contacts"] as! [String: [String: Any]]
        for (c, view) in contacts {
            let bySource = view["activitiesBySource"] as! [String: Int]
            #expect((counts[c]?["dynamics"] ?? 0) == bySource["dynamics"], "seed \(seed), \(c)")
            #expect((counts[c]?["marketo"] ?? 0) == bySource["marketo"], "seed \(seed), \(c)")
        }
        #expect(Set(counts.keys).isSubset(of: Set(contacts.keys)))
    }

    static let scenario = """
    scenario: dated
    sync: {origin: "2026-03-01T09:00:00Z"}
    events:
      - {at: 0s, type: dynamics.account.create, account: acme, fields: {industry: Retail}}
      - {at: 0s, type: dynamics.contact.create, contact: alice, account: acme}
      - {at: 0s, type: dynamics.contact.create, contact: "bob.jr", account: acme}
      - {at: 6m, type: marketo.account.edit, contact: alice, fields: {industry: "say \\"hi\\"", size: 3}}
      - {at: 7m, type: dynamics.account.update, account: acme, fields: {website: acme.example}}
    """

    @Test func jsonLinesAreGetLeadChangesItems() throws {
        let dir = Binary.tempDir()
        try Binary.write(Self.scenario, to: "s.yaml", in: dir)
        let r = try Binary.run(["activities", "s.yaml"], in: dir)
        try #require(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        // 6m: the edit's two fields on both contacts; 10m: cycle 2 puts industry back and adds website.
        #expect(lines.count == 8)
        #expect(lines[0] == #"{"activityDate":"2026-03-01T09:06:00Z","activityTypeId":13,"attributes":[{"name":"Source","value":"marketo"},{"name":"Reason","value":"Marketo edit #4"}],"fields":[{"name":"industry","newValue":"say \"hi\"","oldValue":"Retail"}],"id":1,"leadId":"alice","marketoGUID":"1"}"#)
        #expect(lines[1].contains(#""fields":[{"name":"size","newValue":3}],"id":2,"leadId":"alice""#), "no old value: no oldValue")
        #expect(lines[2].contains(#""leadId":"bob.jr""#))
        #expect(lines[7] == #"{"activityDate":"2026-03-01T09:10:00Z","activityTypeId":13,"attributes":[{"name":"Source","value":"dynamics"},{"name":"Reason","value":"sync cycle 2"}],"fields":[{"name":"website","newValue":"acme.example"}],"id":8,"leadId":"bob.jr","marketoGUID":"8"}"#)
        for line in lines {
            let item = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(Set(item.keys) == ["id", "marketoGUID", "leadId", "activityDate", "activityTypeId", "fields", "attributes"])
        }
        // One contact: the same lines, with the ids of the whole list.
        let bob = try Binary.run(["activities", "s.yaml", "--contact", "bob.jr"], in: dir)
        #expect(bob.stdout.split(separator: "\n").map(String.init) == lines.filter { $0.contains(#""leadId":"bob.jr""#) })
        // Up to 6m: the edit only; --set moves the origin.
        let early = try Binary.run(["activities", "s.yaml", "--at", "6m", "--set", "origin=2027-01-01T00:00:00Z"], in: dir)
        #expect(early.stdout.split(separator: "\n").count == 4)
        #expect(early.stdout.contains(#""activityDate":"2027-01-01T00:06:00Z""#))
        // CSV: a field with a comma or a quote is quoted.
        let csv = try Binary.run(["activities", "s.yaml", "--format", "csv"], in: dir)
        let rows = try Self.readCSV(csv.stdout, in: dir)
        #expect(rows[3] == ["3", "bob.jr", "2026-03-01T09:06:00Z", "13", "null", "null", "industry",
                            #"{"New Value":"say \"hi\"","Old Value":"Retail","Reason":"Marketo edit #4","Source":"marketo"}"#])
    }

    @Test func aLogKeepsItsOrigin() throws {
        let dir = Binary.tempDir()
        try Binary.write(Self.scenario, to: "s.yaml", in: dir)
        #expect(try Binary.run(["run", "s.yaml", "--db", "s.db"], in: dir).status == 0)
        let fromLog = try Binary.run(["activities", "s.db"], in: dir)
        #expect(fromLog.status == 0)
        #expect(fromLog.stdout == (try Binary.run(["activities", "s.yaml"], in: dir)).stdout)
        let stream = """
        {"type": "sync.configure", "origin": "2026-03-01T09:00:00+00:00"}
        {"at": 0, "type": "dynamics.account.create", "account": "a", "fields": {"x": 1}}
        {"at": 0, "type": "dynamics.contact.create", "contact": "c", "account": "a"}
        {"at": 400, "type": "dynamics.account.update", "account": "a", "fields": {"x": 2}}
        """
        try Binary.write(stream, to: "s.jsonl", in: dir)
        let r = try Binary.run(["activities", "s.jsonl"], in: dir)
        #expect(r.stdout.contains(#""activityDate":"2026-03-01T09:10:00Z""#), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(#""Reason","value":"sync cycle 2""#))
    }

    @Test func badInput() throws {
        let dir = Binary.tempDir()
        try Binary.write(Self.scenario, to: "s.yaml", in: dir)
        let unknown = try Binary.run(["activities", "s.yaml", "--contact", "alise"], in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no event names contact 'alise' (did you mean 'alice'?)"), "\(unknown.stderr)")
        #expect(unknown.stdout.isEmpty)
        let origin = try Binary.run(["activities", "s.yaml", "--set", "origin=2026-02-30T00:00:00Z"], in: dir)
        #expect(origin.status == 2)
        #expect(origin.stderr.contains("expected origin: a UTC instant"), "\(origin.stderr)")
        let format = try Binary.run(["activities", "s.yaml", "--format", "xml"], in: dir)
        #expect(format.status == 2)
        // origin is a timing key: sync.configure may not set it.
        try Binary.write(Self.scenario + "\n  - {at: 8m, type: sync.configure, origin: \"2026-03-01T09:00:00Z\"}\n", to: "t.yaml", in: dir)
        let configure = try Binary.run(["activities", "t.yaml"], in: dir)
        #expect(configure.status == 2)
        #expect(configure.stderr.contains("t.yaml:9:36: error: 'origin' is a timing key"), "\(configure.stderr)")
    }
}
