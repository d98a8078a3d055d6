import BackpropCore

/// One matrix the inspector can show: a value, a gradient, or one contribution to a gradient.
public struct Panel: Sendable {
    public var title: String
    public var matrix: Matrix<Double>
    /// For G': the relu input U1; entries where it is ≤ 0 were zeroed by the mask and are marked.
    public var mask: Matrix<Double>?
    /// The finite-difference check that applies: ∂`of`/∂`wrt` (both node names).
    public var check: (of: String, wrt: String)?
    /// A relu's output: its health counts the dead units (zero in every row).
    public var relu = false

    public init(_ title: String, _ matrix: Matrix<Double>, mask: Matrix<Double>? = nil,
                check: (of: String, wrt: String)? = nil) {
        self.title = title; self.matrix = matrix; self.mask = mask; self.check = check
    }
}
