/// `C = matmul(A, B)`: the matrix product.
public enum MatMulOp: OpRule {
    public static let name = "matmul"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "matmul(A, B): matrix product A·B"
    public static let shapeRule = "the columns of A must equal the rows of B"
    public static func shape(_ s: [Shape]) -> Shape? { s[0].cols == s[1].rows ? Shape(s[0].rows, s[1].cols) : nil }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].matmul(x[1]) }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.matmul(x[1], transposeOther: true) : nil,   // ∇A J = G Bᵀ
         needs[1] ? x[0].matmul(g, transposeSelf: true) : nil]    // ∇B J = Aᵀ G
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) \(n.inputs[1])ᵀ", "\(n.grad(1)) += \(n.inputs[0])ᵀ \(n.outputGrad)"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        ["matmul(\(n.outputGrad), transpose(\(n.inputs[1])))", "matmul(transpose(\(n.inputs[0])), \(n.outputGrad))"]
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        let (m, k, n) = (s[0].rows, s[0].cols, s[1].cols)
        return (m * k * n, (needs[0] ? m * n * k : 0) + (needs[1] ? k * m * n : 0))
    }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }   // row i of A·B comes from row i of A
}
