/// `V = sqr(W)`: elementwise square.
public enum SqrOp: OpRule {
    public static let name = "sqr"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sqr(W): W² elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { $0 * $0 } }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? x[0].zip(g) { w, gv in (2 * w) * gv } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += 2 \(n.inputs[0]) ⊙ \(n.outputGrad)"] }
    public static func program(_ n: ProgramNames) -> [String?] { ["2 * \(n.inputs[0]) * \(n.outputGrad)"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (s[0].count, needs[0] ? s[0].count : 0)
    }
    public static let saves: [SavedTensor] = [.input(0)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
