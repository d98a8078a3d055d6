/// An error found while evaluating a graph on values.
public enum EvalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input shapes that do not fit the op; quotes the node's line.
    case shapeMismatch(node: String, text: String, shapes: [Shape], rule: String)
    case invalidValue(node: String, text: String, message: String)
    case missingBinding(name: String, kind: String)
    case missingConstant(name: String)
    case lossNotScalar(node: String, shape: Shape)
    /// An op the rule table does not have (a graph parsed with another table).
    case unknownOp(node: String, op: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(node, text, shapes, rule):
            return "node \(node) (\(text)): shapes \(shapes.map(\.description).joined(separator: " and ")) do not fit; "
                   + "\(rule)"
        case let .invalidValue(node, text, message): return "node \(node) (\(text)): \(message)"
        case let .missingBinding(name, kind): return "no value given for \(kind) '\(name)'"
        case let .missingConstant(name): return "no value given for constant '\(name)'"
        case let .lossNotScalar(node, shape): return "loss \(inert(node, limit: 40)) is \(shape); expected 1×1"
        case let .unknownOp(node, op):
            return "node \(inert(node, limit: 40)) uses op '\(inert(op, limit: 40))', "
                + "which the rule table does not have"
        }
    }
}
