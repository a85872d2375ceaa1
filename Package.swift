// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

// Swift Testing's macros expand to code the 6.3 compiler warns about, so test
// targets keep Swift 6 mode without turning warnings into errors.
let tests: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "SyncSim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "syncsim", targets: ["syncsim"]),
        .library(name: "SyncSimCore", targets: ["SyncSimCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Processor hints Swift has none of: a cache prefetch for the core's table lookups, and
        // a pause for a thread spinning while it waits for another.
        .target(name: "CPrefetch"),
        // Starting the disk writes of a file early (Linux's `sync_file_range`, hidden from Swift).
        .target(name: "CWriteback"),
        // On Linux, the one-shot SHA-256 of the BoringSSL that swift-crypto links (see its header).
        .target(name: "CDigest"),
        // Pure core: events, rules, projector, diff. No I/O, no SQLite, no clock.
        .target(
            name: "SyncSimCore",
            dependencies: ["CPrefetch", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Append-only SQLite event log.
        .target(
            name: "SyncSimStore",
            dependencies: [
                "SyncSimCore", "CWriteback",
                .target(name: "CDigest", condition: .when(platforms: [.linux])),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Scenario files (YAML) and event streams (JSON Lines).
        .target(
            name: "SyncSimScenario",
            dependencies: ["SyncSimCore", "Yams"],
            swiftSettings: strict
        ),
        // The import pipeline: a JSON Lines stream into a log, in overlapping stages.
        .target(
            name: "SyncSimImport",
            dependencies: [
                "SyncSimCore", "SyncSimStore", "SyncSimScenario",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Terminal and JSON rendering.
        .target(
            name: "SyncSimRender",
            dependencies: ["SyncSimCore"],
            swiftSettings: strict
        ),
        // Thin command-line front end.
        .executableTarget(
            name: "syncsim",
            dependencies: [
                "SyncSimCore", "SyncSimStore", "SyncSimScenario", "SyncSimImport", "SyncSimRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Benchmark helper for tools/bench.sh: raw SQLite rates and in-process replay.
        .executableTarget(
            name: "syncsim-bench",
            dependencies: [
                "SyncSimCore", "SyncSimStore",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // Helpers the test targets share (not part of any product).
        .target(name: "SyncSimTestSupport", dependencies: ["SyncSimCore"], path: "Tests/TestSupport", swiftSettings: tests),
        .testTarget(name: "SyncSimCoreTests", dependencies: ["SyncSimCore", "SyncSimTestSupport"], swiftSettings: tests),
        .testTarget(
            name: "SyncSimStoreTests",
            dependencies: ["SyncSimStore", "SyncSimCore", "SyncSimTestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: tests
        ),
        .testTarget(name: "SyncSimScenarioTests", dependencies: ["SyncSimScenario", "SyncSimCore", "SyncSimTestSupport"], swiftSettings: tests),
        .testTarget(name: "SyncSimRenderTests", dependencies: ["SyncSimRender", "SyncSimCore", "SyncSimTestSupport"], swiftSettings: tests),
        .testTarget(
            name: "SyncSimCLITests",
            dependencies: ["SyncSimCore", "SyncSimScenario", "SyncSimTestSupport"],
            swiftSettings: tests
        ),
    ]
)
