/// `Y = sigmoid(A)` = 1 / (1 + e^−A) elementwise.
public enum SigmoidOp: OpRule {
    public static let name = "sigmoid"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sigmoid(A): 1/(1+exp(−A)) elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        // Two branches so that exp never overflows.
        x[0].map { a in a >= 0 ? 1 / (1 + T.exp(-a)) : T.exp(a) / (1 + T.exp(a)) }
    }
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
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (0, needs[0] ? 2 * s[0].count : 0)
    }
    public static let saves: [SavedTensor] = [.output]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
