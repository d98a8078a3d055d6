import BackpropCore
import BackpropData

/// A session file that cannot be replayed, with the line at fault.
public enum SessionError: Error, Equatable, Sendable {
    case bad(line: Int, String)
    public var line: Int { if case .bad(let l, _) = self { return l }; return 0 }
    public var message: String { if case .bad(let l, let m) = self { return "line \(l): \(m)" }; return "" }
}
