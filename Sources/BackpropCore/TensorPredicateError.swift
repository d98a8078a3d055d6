/// Why a predicate's text was refused; one line that names it.
public enum TensorPredicateError: Error, Equatable, Sendable, CustomStringConvertible {
    case syntax(text: String, message: String)
    case unknownName(text: String, name: String)
    case notRelu(text: String, name: String)
    case notScalar(text: String, name: String, shape: Shape)

    public var description: String {
        let expected = "expected nonfinite, STAT(NAME) CMP NUMBER (STAT: norm, min, max, mean, absmax, dead) "
            + "or NAME CMP NUMBER (CMP: >, >=, <, <=)"
        switch self {
        case let .syntax(t, m): return "'\(inert(t, limit: 60))': \(m); \(expected)"
        case let .unknownName(t, n):
            return "'\(inert(t, limit: 60))': no node '\(inert(n, limit: 40))' in the graph; "
                + "expected a node's name or grad_NODE"
        case let .notRelu(t, n):
            return "'\(inert(t, limit: 60))': dead(\(inert(n, limit: 40))) needs a relu node's value; "
                + "\(inert(n, limit: 40)) is not one"
        case let .notScalar(t, n, s):
            return "'\(inert(t, limit: 60))': \(inert(n, limit: 40)) is \(s), not 1×1; "
                + "expected STAT(\(inert(n, limit: 40))) CMP NUMBER"
        }
    }
}
