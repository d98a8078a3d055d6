/// One line of graph text: `U1 = matmul(X, W1)`, `W1 = param()`, `b1 = param(1, h)`, `u8 = scale(u7, λ)`.
public struct Node: Hashable, Sendable {
    public var name: String
    /// An op name from the rule table, or a leaf kind (`input`, `param`).
    public var op: String
    public var inputs: [String]
    public var constants: [String]
    /// A parameter's rows and columns as written: whole numbers, or `d`, `k`, `h` (`ParamSize`).
    public var sizes: [String]
    public init(_ name: String, _ op: String, _ inputs: [String] = [], constants: [String] = [],
                sizes: [String] = []) {
        self.name = name; self.op = op; self.inputs = inputs; self.constants = constants; self.sizes = sizes
    }
    public var leaf: LeafKind? { inputs.isEmpty && constants.isEmpty ? LeafKind(rawValue: op) : nil }
    /// The node as one line of graph text.
    public var text: String { "\(name) = \(op)(\((inputs + constants + sizes).joined(separator: ", ")))" }
}
