/// `T = one_hot(y, k)`: the m×k matrix with a 1 in column y[r] of row r (labels as targets, e.g. for `mse`).
/// `k` is the number of classes, a constant of the run.
public enum OneHotOp: OpRule {
    public static let name = "one_hot"
    public static let arity = (inputs: 1, constants: 1)
    public static let summary = "one_hot(y, k): m×k, 1 at column y[r] of row r (k: the classes)"
    public static let shapeRule = "y is m×1 and k a whole number of classes"
    /// The width is the constant k: known only with the constants.
    public static func shape(_ s: [Shape]) -> Shape? { nil }
    public static func shape(_ s: [Shape], constants c: [Double]) -> Shape? {
        guard s[0].cols == 1, c[0] >= 1, c[0] == c[0].rounded(), c[0] <= Double(ParamSize.limit) else { return nil }
        return Shape(s[0].rows, Int(c[0]))
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        let k = Int(c[0])
        return Matrix(rows: x[0].rows, cols: k) { i, j in x[0][i, 0] == T(j) ? 1 : 0 }
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [nil]   // labels get no gradient
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["(no gradient for labels \(n.inputs[0]))"] }
    public static func program(_ n: ProgramNames) -> [String?] { [nil] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let label = x[0][i, 0]
        return Expansion("[\(n.inputs[0])[\(i)] = \(j)]",
                         [.init("[\(Expansion.number(label)) = \(j)]", label == Double(j) ? 1 : 0)])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        Expansion("no gradient for labels", [])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
