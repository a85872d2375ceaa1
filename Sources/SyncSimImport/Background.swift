import Foundation
import SyncSimScenario

/// A value worked out on a thread of its own from the moment it is made, waited for when
/// asked: a stream's digest while its import goes on, a checkpoint's state while `show --why`
/// replays the events it needs.
public final class Background<Value: Sendable, Failure: Error>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once, before `done` is signalled; read only after waiting for it.
    private var result: Result<Value, Failure>?

    public init(_ work: @escaping @Sendable () throws(Failure) -> Value) {
        Thread { [self] in
            result = Result { () throws(Failure) in try work() }
            done.signal()
        }.start()
    }

    /// The value, once worked out; the error that stopped the work, if any.
    public func value() throws(Failure) -> Value {
        done.wait()
        done.signal()  // for the next call
        return try result!.get()
    }
}

extension Background where Value == String, Failure == LoadError {
    /// The `sha256:` digest of the file at `path` (``Importer/fileDigest(_:)``).
    public convenience init(of path: String) {
        self.init { () throws(LoadError) in try Importer.fileDigest(path) }
    }
}
