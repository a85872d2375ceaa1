import ArgumentParser
import Foundation
import SyncSimCore

/// The `syncsim` command: replays scenarios of the Marketo–Dynamics account sync.
struct SyncSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncsim",
        abstract: "Simulate how Adobe Marketo Engage syncs Microsoft Dynamics accounts.",
        discussion: """
        Exit codes: 0 success, 1 an expectation failed / logs differ / log not intact, 2 bad \
        input, 74 writing failed (a full disk: what was committed is kept, and the same command \
        resumes), 70 the engine and the reference projector differ (with SYNCSIM_SHADOW=N set, \
        they are compared every N events).
        """,
        version: "0.1.0",
        subcommands: [Run.self, Show.self, Diff.self, Explain.self, Stats.self, Sweep.self, Activities.self, Report.self, Verify.self, Import.self, Generate.self]
    )
}

/// Exit codes of the format's command line.
enum Exit {
    static let failed = ExitCode(1)
    static let badInput = ExitCode(2)
    /// Writing failed (a full disk, an input/output error); what was committed is kept.
    static let ioFailure = ExitCode(74)
    /// `SYNCSIM_SHADOW` found the engine and the reference projector apart (a bug of the engine's).
    static let shadowDiffers: Int32 = 70
}

@main
enum Main {
    static func main() {
        let shadow = ShadowReference.interval(fromEnvironment: ProcessInfo.processInfo.environment["SYNCSIM_SHADOW"])
        if shadow > 0 {
            ShadowReference.configure(interval: shadow) { message in
                FileHandle.standardError.write(Data((message + "\n").utf8))
                exit(Exit.shadowDiffers)
            }
        }
        do {
            var command = try SyncSim.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = SyncSim.exitCode(for: error)
            if code == .success { SyncSim.exit(withError: error) }
            // Usage errors are bad input: the format's exit code 2, not ArgumentParser's 64.
            FileHandle.standardError.write(Data((SyncSim.fullMessage(for: error) + "\n").utf8))
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
