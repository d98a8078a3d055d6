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
        case let .reassigned(name, first): what = "name '\(name)' assigned twice (first on line \(first)); expected each name once"
        case let .cycle(path): what = "cycle \(path.joined(separator: " → ")); expected an acyclic graph"
        case let .constantIsNode(name): what = "'\(name)' is a node; expected a constant name"
        case .empty: what = "empty graph; expected at least one line 'name = op(args)'"
        }
        return "\(line):\(column): \(what)"
    }
}

/// An error found while evaluating a graph on values.
public enum EvalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input shapes that do not fit the op; quotes the node's line.
    case shapeMismatch(node: String, text: String, shapes: [Shape], rule: String)
    case invalidValue(node: String, text: String, message: String)
    case missingBinding(name: String, kind: String)
    case missingConstant(name: String)
    case lossNotScalar(node: String, shape: Shape)

    public var description: String {
        switch self {
        case let .shapeMismatch(node, text, shapes, rule):
            return "node \(node) (\(text)): shapes \(shapes.map(\.description).joined(separator: " and ")) do not fit; \(rule)"
        case let .invalidValue(node, text, message): return "node \(node) (\(text)): \(message)"
        case let .missingBinding(name, kind): return "no value given for \(kind) '\(name)'"
        case let .missingConstant(name): return "no value given for constant '\(name)'"
        case let .lossNotScalar(node, shape): return "loss \(node) is \(shape); expected 1×1"
        }
    }
}
