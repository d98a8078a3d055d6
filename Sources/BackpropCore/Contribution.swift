/// What one backward step adds to one input's gradient, e.g. `∇W2 J += Hᵀ G` and its value.
public struct Contribution<T: Real>: Sendable {
    public var input: Int
    public var formula: String
    public var value: Matrix<T>
}
