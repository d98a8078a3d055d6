import BackpropCore
import BackpropData

/// Everything that can go wrong reading or writing a user's file, with the file and what was expected.
///
/// Rendered in one place (`description`); the exit codes are sysexits(3): 65 bad data, 66 missing
/// input, 73 cannot create, 74 I/O error.
public struct IOError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case badData, missing, cannotCreate, io }
    public var file: String
    public var message: String
    public var kind: Kind

    public init(_ file: String, _ message: String, kind: Kind = .badData) {
        self.file = file; self.message = message; self.kind = kind
    }

    public var exitCode: Int32 {
        switch kind { case .badData: 65; case .missing: 66; case .cannotCreate: 73; case .io: 74 }
    }
    /// `file: message`, the path shown escaped and shortened (it is the user's, and may be anything).
    public var description: String { "\(inert(file, limit: 120)): \(message)" }
}
