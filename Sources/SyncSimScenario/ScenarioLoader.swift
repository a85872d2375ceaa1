import Foundation
import SyncSimCore

/// A scenario read from a file, with the identity the log records.
public struct LoadedScenario: Sendable {
    public var scenario: Scenario
    /// The path as the user gave it, used in error messages.
    public var file: String
    /// `sha256:` digest of the file's bytes.
    public var fileDigest: String

    public init(scenario: Scenario, file: String, fileDigest: String) {
        self.scenario = scenario
        self.file = file
        self.fileDigest = fileDigest
    }
}

/// Reads scenario files (`.yaml`, `.yml`) and event streams (`.jsonl`).
public enum ScenarioLoader {
    /// Reads and decodes `path`; every input error is a ``LoadError`` naming the file, line and column.
    public static func load(path: String) throws(LoadError) -> LoadedScenario {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LoadError(file: path, position: nil, message: "cannot read the file (\(Self.reason(error)))")
        }
        return try load(bytes: bytes, file: path)
    }

    /// Decodes the bytes of a scenario file or stream; `file` names it (its extension picks the format).
    public static func load(bytes: [UInt8], file: String) throws(LoadError) -> LoadedScenario {
        let ext = (file as NSString).pathExtension.lowercased()
        let scenario: Scenario
        do {
            switch ext {
            case "yaml", "yml":
                let text = try utf8Text(bytes)
                scenario = try ScenarioDecoder.decode(try YAMLReader.parse(text))
            case "jsonl":
                let reader = EventStreamReader(bytes: bytes, file: file)
                var events: [Event] = []
                var positions: [SourcePosition] = []
                while let (event, position) = try reader.next() {
                    events.append(event)
                    positions.append(position)
                }
                scenario = Scenario(id: streamID(for: file), sync: reader.sync, events: events, eventPositions: positions)
            default:
                throw LoadError(file: file, position: nil, message: "unknown file type '.\(ext)': expected .yaml, .yml or .jsonl")
            }
        } catch let error as DecodeError {
            throw LoadError(file: file, error)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(file: file, position: nil, message: "\(error)")
        }
        return LoadedScenario(scenario: scenario, file: file, fileDigest: CanonicalJSON.digest(ofBytes: bytes))
    }

    /// The scenario id a stream gets from its file name (`day-1.jsonl` is `day-1`).
    public static func streamID(for file: String) -> String {
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        let mapped = String(String.UnicodeScalarView(stem.unicodeScalars.map {
            (("a"..."z").contains($0) || ("0"..."9").contains($0)) ? $0 : "-"
        }))
        return mapped.isEmpty ? "stream" : mapped
    }

    /// Decodes UTF-8, or names the line and column of the first invalid byte.
    static func utf8Text(_ bytes: [UInt8]) throws(DecodeError) -> String {
        if let s = String(validating: bytes, as: UTF8.self) {
            if let nul = s.unicodeScalars.firstIndex(of: "\0") {
                throw DecodeError("the file contains a NUL character", at: position(ofByte: s.utf8.distance(from: s.utf8.startIndex, to: nul), in: bytes))
            }
            return s
        }
        var i = 0
        var good = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let u): i += UTF8.width(u); good = i
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        throw DecodeError("the file is not valid UTF-8 text", at: position(ofByte: good, in: bytes))
    }

    private static func position(ofByte offset: Int, in bytes: [UInt8]) -> SourcePosition {
        var line = 1
        var column = 1
        for b in bytes[..<min(offset, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return SourcePosition(line: line, column: column)
    }

    /// Why a file could not be read, in a few words (`no such file`).
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }
}

/// `--set KEY=VALUE` options that override a scenario's `sync:` keys for one run.
public enum RuleOverrides {
    /// Parses the options; VALUE is read as YAML (`fields=[name, industry]`, `overwrite=changed`).
    public static func parse(_ options: [String]) throws(LoadError) -> RuleChange {
        var change = RuleChange()
        for option in options {
            let file = "--set \(option)"
            guard let eq = option.firstIndex(of: "=") else {
                throw LoadError(file: file, position: nil, message: "expected KEY=VALUE with KEY one of: \(RulesDecoder.allKeys.joined(separator: ", "))")
            }
            let key = String(option[..<eq])
            let value = String(option[option.index(after: eq)...])
            guard RulesDecoder.allKeys.contains(key) else {
                throw LoadError(file: file, position: nil, message: "unknown sync key '\(key)' (expected one of: \(RulesDecoder.allKeys.joined(separator: ", ")))")
            }
            do {
                try RulesDecoder.apply(key: key, value: try YAMLReader.parse(value), to: &change)
            } catch {
                throw LoadError(file: file, position: nil, message: error.message)
            }
        }
        return change
    }
}
