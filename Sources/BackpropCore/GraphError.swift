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
        case badSize(String)
        /// An `@` line that names no quantity of this graph (the reason).
        case badAnnotation(String)
        case empty
    }
    public var line: Int
    public var column: Int
    public var kind: Kind

    public var description: String {
        let what: String
        // Names come from the user's file: shown escaped and shortened, so the error stays one line.
        func n(_ s: String) -> String { inert(s, limit: 40) }
        switch kind {
        case let .syntax(expected, found): what = "expected \(expected), found \(found)"
        case let .unknownOp(op, known): what = "unknown op '\(n(op))'; expected one of \(known.joined(separator: ", "))"
        case let .arity(op, expected, got): what = "wrong arity: \(n(op)) takes \(expected), got \(got)"
        case let .undefined(name): what = "undefined name '\(n(name))'; expected a name assigned on some line"
        case let .reassigned(name, first):
            what = "name '\(n(name))' assigned twice (first on line \(first)); expected each name once"
        case let .cycle(path):
            let shown = path.count > 8 ? path.prefix(4).map(n) + ["…"] + path.suffix(3).map(n) : path.map(n)
            what = "cycle \(shown.joined(separator: " → ")); expected an acyclic graph"
        case let .constantIsNode(name): what = "'\(n(name))' is a node; expected a constant name"
        case let .badSize(s):
            what = "unknown size '\(n(s))'; expected a whole number from 1 to \(ParamSize.limit), d (input features), "
                + "k (classes) or h (--hidden)"
        case .badAnnotation(let why): what = why
        case .empty: what = "empty graph; expected at least one line 'name = op(args)'"
        }
        return "\(line):\(column): \(what)"
    }
}
