import BackpropCore

/// What can go wrong in the explorer; shown on the status line, never fatal.
public enum ExplorerError: Error, Equatable, Sendable {
    case unknownCommand(String)
    case usage(String)
    case unknownName(String, known: [String])
    case notYet(name: String)
    case noGradient(name: String)
    case badValue(String)

    public var message: String {
        switch self {
        case .unknownCommand(let c): "unknown command '\(c)'; type help for the list"
        case .usage(let u): "usage: \(u)"
        case let .unknownName(n,
                              known): "no node or quantity named '\(n)'; expected one of "
                                      + "\(known.prefix(12).joined(separator: ", "))…"
        case .notYet(let n): "\(n) is not computed yet at this step; step further (→) or press End"
        case .noGradient(let n): "\(n) needs no gradient (it is an input, not computed from a parameter)"
        case .badValue(let m): m
        }
    }
}
