/// An error in graph text, with the 1-based line and column where it was found.
public struct GraphParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case syntax(expected: String, found: String)
        case unknownOp(String, known: [String])
        case arity(op: String, expected: String, got: Int)
        case undefined(String)
        case reassigned(String, firstLine: Int)
        case cycle([String])
        case constantIsNode(String)
        case empty
    }
    public var line: Int
    public var column: Int
    public var kind: Kind

    public var description: String {
        let what: String
        switch kind {
        case let .syntax(expected, found): what = "expected \(expected), found \(found)"
        case let .unknownOp(op, known): what = "unknown op '\(op)'; expected one of \(known.joined(separator: ", "))"
        case let .arity(op, expected, got): what = "wrong arity: \(op) takes \(expected), got \(got)"
        case let .undefined(name): what = "undefined name '\(name)'; expected a name assigned on some line"
        case let .reassigned(name,
                             first): what = "name '\(name)' assigned twice (first on line \(first)); expected each "
                                            + "name once"
        case let .cycle(path): what = "cycle \(path.joined(separator: " → ")); expected an acyclic graph"
        case let .constantIsNode(name): what = "'\(name)' is a node; expected a constant name"
        case .empty: what = "empty graph; expected at least one line 'name = op(args)'"
        }
        return "\(line):\(column): \(what)"
    }
}
