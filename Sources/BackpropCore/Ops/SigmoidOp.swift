/// `Y = sigmoid(A)` = 1 / (1 + e^−A) elementwise.
public enum SigmoidOp: OpRule {
    public static let name = "sigmoid"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sigmoid(A): 1/(1+exp(−A)) elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        // Two branches so that exp never overflows.
        x[0].map { a in a >= 0 ? 1 / (1 + T.exp(-a)) : T.exp(a) / (1 + T.exp(a)) }
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.zip(y) { gv, s in gv * s * (1 - s) } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) ⊙ \(n.output) ⊙ (1 − \(n.output))"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        ["\(n.outputGrad) * \(n.output) * (1 - \(n.output))"]
    }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let v = x[0][i, j]
        return Expansion("1/(1 + e^−\(n.inputs[0])[\(i),\(j)])",
                         [.init("1/(1 + e^−\(Expansion.factor(v)))", 1 / (1 + Double.exp(-v)))])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (gv, s) = (g[i, j], y[i, j])
        return Expansion("\(n.outputGrad)[\(i),\(j)]·\(n.output)[\(i),\(j)]·(1 − \(n.output)[\(i),\(j)])",
                         [.init("\(Expansion.product(gv, s))·(1 − \(Expansion.number(s)))", gv * s * (1 - s))])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (0, needs[0] ? 2 * s[0].count : 0)
    }
    public static let saves: [SavedTensor] = [.output]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
