/// `V = sqr(W)`: elementwise square.
public enum SqrOp: OpRule {
    public static let name = "sqr"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sqr(W): W² elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { $0 * $0 } }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? x[0].zip(g) { w, gv in (2 * w) * gv } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += 2 \(n.inputs[0]) ⊙ \(n.outputGrad)"] }
    public static func program(_ n: ProgramNames) -> [String?] { ["2 * \(n.inputs[0]) * \(n.outputGrad)"] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let v = x[0][i, j]
        return Expansion("\(n.inputs[0])[\(i),\(j)]²", [.init(Expansion.product(v, v), v * v)])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (v, gv) = (x[0][i, j], g[i, j])
        return Expansion("2·\(n.inputs[0])[\(i),\(j)]·\(n.outputGrad)[\(i),\(j)]",
                         [.init(Expansion.product(2, v, gv), 2 * v * gv)])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (s[0].count, needs[0] ? s[0].count : 0)
    }
    public static let saves: [SavedTensor] = [.input(0)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
