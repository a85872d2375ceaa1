import Foundation
import Testing

/// `syncsim sweep`: the table, its order, shards and merging, parallel runs, bad input.
@Suite struct SweepCommandTests {
    static let file = "Scenarios/mass-update-backlog.yaml"
    static let vary = ["--vary", "capacity=50,200,unlimited", "--vary", "overwrite=all,changed"]

    @Test func oneRowPerVariantInTheOrderGiven() throws {
        let r = try Binary.run(["sweep", Self.file] + Self.vary, in: Binary.root)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(Self.file): 6 variants")
        #expect(lines.count == 8)
        let settings = lines.dropFirst(2).map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(settings == ["50 all", "50 changed", "200 all", "200 changed", "unlimited all", "unlimited changed"])
        // The scenario's story: with capacity 50 the last edit is lost at 45m; unlimited, all by 30m.
        #expect(lines[2].contains("45m"), "\(lines[2])")
        #expect(lines[6].contains("30m"), "\(lines[6])")
    }

    @Test func shardsMergeIntoTheWholeTableByteForByte() throws {
        let dir = Binary.tempDir()
        let whole = try Binary.run(["sweep", Self.file, "--json"] + Self.vary, in: Binary.root)
        #expect(whole.status == 0)
        var pieces: [String] = []
        for i in 0..<4 {
            let part = try Binary.run(["sweep", Self.file, "--json", "--shard", "\(i)/4"] + Self.vary, in: Binary.root)
            #expect(part.status == 0)
            #expect(part.stdout.contains(#""shard":{"count":4,"index":\#(i)}"#))
            pieces.append(try Binary.write(part.stdout, to: "part\(i).json", in: dir))
        }
        let merged = try Binary.run(["sweep", "--merge", "--json"] + pieces.reversed(), in: Binary.root)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == whole.stdout)
        let text = try Binary.run(["sweep", "--merge"] + pieces, in: Binary.root)
        #expect(text.stdout == (try Binary.run(["sweep", Self.file] + Self.vary, in: Binary.root)).stdout)
        // A missing shard is named.
        let missing = try Binary.run(["sweep", "--merge"] + pieces.dropLast(), in: Binary.root)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("sweep --merge: error: 1 of 6 variants are in no table (3): a shard is missing"), "\(missing.stderr)")
    }

    @Test func jobsDoNotChangeTheTable() throws {
        let one = try Binary.run(["sweep", Self.file, "--json", "--jobs", "1"] + Self.vary, in: Binary.root)
        let three = try Binary.run(["sweep", Self.file, "--json", "--jobs", "3"] + Self.vary, in: Binary.root)
        #expect(one.status == 0 && three.status == 0)
        #expect(one.stdout == three.stdout)
        #expect(one.stdout.hasPrefix(#"{"rows":[{"digest":"sha256:"#))
    }

    /// A log swept under its own file's variants gives the digests of the file's sweep.
    @Test func aLogSweepsLikeItsFile() throws {
        let dir = Binary.tempDir()
        #expect(try Binary.run(["run", Self.file, "--db", dir + "/m.db"], in: Binary.root).status == 0)
        let fromLog = try Binary.run(["sweep", dir + "/m.db", "--json"] + Self.vary, in: Binary.root)
        let fromFile = try Binary.run(["sweep", Self.file, "--json"] + Self.vary, in: Binary.root)
        #expect(fromLog.status == 0, "\(fromLog.stderr)")
        // Keys are sorted: the rows come first, then the rules.
        func rows(_ s: String) -> Substring? { s.range(of: #"],"rules":"#).map { s[..<$0.lowerBound] } }
        #expect(rows(fromLog.stdout) != nil)
        #expect(rows(fromLog.stdout) == rows(fromFile.stdout))
    }

    @Test(arguments: [
        (["--vary", "capx=1,2"], "--vary capx=1,2: error: unknown sync key 'capx'"),
        (["--vary", "capacity=5,lots"], "--vary capacity=5,lots: error: expected capacity: unlimited or a whole number"),
        (["--vary", "capacity=5,,6"], "--vary capacity=5,,6: error: value 2 of 'capacity' is empty"),
        (["--vary", "capacity"], "--vary capacity: error: expected KEY=V1,V2,..."),
        (["--vary", "capacity=1", "--vary", "capacity=2"], "--vary capacity=2: error: 'capacity' is varied twice"),
        ([], "sweep: error: expected at least one --vary KEY=V1,V2,..."),
        (["--vary", "capacity=1", "--shard", "2/2"], "--shard 2/2: error: expected I/N"),
        (["--vary", "capacity=1", "--jobs", "0"], "--jobs 0: error: expected at least 1"),
    ])
    func badInputExitsTwoNamingIt(args: [String], message: String) throws {
        let r = try Binary.run(["sweep", Self.file] + args, in: Binary.root)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func mergeNamesTheFileLineAndColumnOfABadTable() throws {
        let dir = Binary.tempDir()
        let bad = try Binary.write("{\"rows\": [}\n", to: "bad.json", in: dir)
        let r = try Binary.run(["sweep", "--merge", bad], in: Binary.root)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("\(bad):1:11: error:"), "\(r.stderr)")
        let notTable = try Binary.write("{\"rows\": []}", to: "t.json", in: dir)
        let r2 = try Binary.run(["sweep", "--merge", notTable], in: Binary.root)
        #expect(r2.status == 2)
        #expect(r2.stderr.hasPrefix("\(notTable):1:1: error:"), "\(r2.stderr)")
    }
}
