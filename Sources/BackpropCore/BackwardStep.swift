/// What one backward step adds to one input's gradient, e.g. `∇W2 J += Hᵀ G` and its value.
public struct Contribution<T: Real>: Sendable {
    public var input: Int
    public var formula: String
    public var value: Matrix<T>
}

/// One iteration of back-propagation: a node, the gradient arriving at it, and what it sends on.
public struct BackwardStep<T: Real>: Sendable {
    public var node: Int
    /// ∂J/∂node, complete when the step runs (reverse topological order guarantees it).
    public var incoming: Matrix<T>
    /// The node's line of graph text, e.g. `U2 = matmul(H, W2)`.
    public var rule: String
    public var contributions: [Contribution<T>]
}
