/// `c = add(a, b)`: elementwise sum of two matrices of one shape.
public enum AddOp: OpRule {
    public static let name = "add"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "add(A, B): A + B, same shapes"
    public static let shapeRule = "both shapes must be equal"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] == s[1] ? s[0] : nil }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0] + x[1] }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g : nil, needs[1] ? g : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad)", "\(n.grad(1)) += \(n.outputGrad)"]
    }
    public static func program(_ n: ProgramNames) -> [String?] { [n.outputGrad, n.outputGrad] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        Expansion("\(n.inputs[0])[\(i),\(j)] + \(n.inputs[1])[\(i),\(j)]",
                  [.init(Expansion.number(x[0][i, j]), x[0][i, j]), .init(Expansion.number(x[1][i, j]), x[1][i, j])])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        Expansion("\(n.outputGrad)[\(i),\(j)]", [.init(Expansion.number(g[i, j]), g[i, j])])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] || inputs[1] }
}
