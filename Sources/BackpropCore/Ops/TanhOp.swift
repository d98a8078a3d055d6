/// `Y = tanh(A)` elementwise.
public enum TanhOp: OpRule {
    public static let name = "tanh"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "tanh(A): hyperbolic tangent elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { T.tanh($0) } }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.zip(y) { gv, t in gv * (1 - t * t) } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) ⊙ (1 − \(n.output)²)"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        ["\(n.outputGrad) * (1 - \(n.output) * \(n.output))"]
    }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let v = x[0][i, j]
        return Expansion("tanh(\(n.inputs[0])[\(i),\(j)])", [.init("tanh(\(Expansion.number(v)))", Double.tanh(v))])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (gv, t) = (g[i, j], y[i, j])
        return Expansion("\(n.outputGrad)[\(i),\(j)]·(1 − \(n.output)[\(i),\(j)]²)",
                         [.init("\(Expansion.factor(gv))·(1 − \(Expansion.factor(t))²)", gv * (1 - t * t))])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (0, needs[0] ? s[0].count : 0)
    }
    public static let saves: [SavedTensor] = [.output]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
