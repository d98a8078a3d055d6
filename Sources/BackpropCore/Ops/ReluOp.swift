/// `H = relu(U)`: max(0, u) elementwise. Its derivative at 0 is taken to be 0.
public enum ReluOp: OpRule {
    public static let name = "relu"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "relu(U): max(0, U) elementwise; relu'(0) = 0"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { $0 > 0 ? $0 : 0 } }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.zip(x[0]) { gv, u in u > 0 ? gv : 0 } : nil]   // zero where U ≤ 0
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) ⊙ [\(n.inputs[0]) > 0]"]
    }
    public static func program(_ n: ProgramNames) -> [String?] { ["\(n.outputGrad) * (\(n.inputs[0]) > 0)"] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let u = x[0][i, j]
        return Expansion("max(0, \(n.inputs[0])[\(i),\(j)])", [.init("max(0, \(Expansion.number(u)))", u > 0 ? u : 0)])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (gv, u) = (g[i, j], x[0][i, j])
        return Expansion("\(n.outputGrad)[\(i),\(j)]·[\(n.inputs[0])[\(i),\(j)] > 0]",
                         [.init("\(Expansion.factor(gv))·[\(Expansion.number(u)) > 0]", u > 0 ? gv : 0)])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = [.input(0)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
