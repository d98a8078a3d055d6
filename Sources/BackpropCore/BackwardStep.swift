
/// One iteration of back-propagation: a node, the gradient arriving at it, and what it sends on.
public struct BackwardStep<T: Real>: Sendable {
    public var node: Int
    /// ∂J/∂node, complete when the step runs (reverse topological order guarantees it).
    public var incoming: Matrix<T>
    /// The node's line of graph text, e.g. `U2 = matmul(H, W2)`.
    public var rule: String
    public var contributions: [Contribution<T>]
}
