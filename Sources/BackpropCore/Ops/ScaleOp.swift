/// `b = scale(a, λ)`: multiplication by a named constant.
public enum ScaleOp: OpRule {
    public static let name = "scale"
    public static let arity = (inputs: 1, constants: 1)
    public static let summary = "scale(A, c): c·A for a named constant c (such as λ)"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { c[0] * $0 } }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.map { c[0] * $0 } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.constants[0]) \(n.outputGrad)"] }
    public static func program(_ n: ProgramNames) -> [String?] { ["\(n.constants[0]) * \(n.outputGrad)"] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        Expansion("\(n.constants[0])·\(n.inputs[0])[\(i),\(j)]", [.init(Expansion.number(x[0][i, j]), x[0][i, j])],
                  factor: .init(Expansion.factor(c[0]), c[0]))
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        Expansion("\(n.constants[0])·\(n.outputGrad)[\(i),\(j)]", [.init(Expansion.number(g[i, j]), g[i, j])],
                  factor: .init(Expansion.factor(c[0]), c[0]))
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (s[0].count, needs[0] ? s[0].count : 0)
    }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}
