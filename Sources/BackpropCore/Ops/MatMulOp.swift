/// `C = matmul(A, B)`: the matrix product.
public enum MatMulOp: OpRule {
    public static let name = "matmul"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "matmul(A, B): matrix product A·B"
    public static let shapeRule = "the columns of A must equal the rows of B"
    public static func shape(_ s: [Shape]) -> Shape? { s[0].cols == s[1].rows ? Shape(s[0].rows, s[1].cols) : nil }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T], kernels: Kernels<T>) -> Matrix<T> {
        kernels.matmul(x[0], x[1])
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool], kernels: Kernels<T>) -> [Matrix<T>?] {
        [needs[0] ? kernels.matmul(g, x[1], transB: true) : nil,   // ∇A J = G Bᵀ
         needs[1] ? kernels.matmul(x[0], g, transA: true) : nil]   // ∇B J = Aᵀ G
    }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { forward(x, c, kernels: Kernels()) }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        backward(g, x, y, c, needs: needs, kernels: Kernels())
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) \(n.inputs[1])ᵀ", "\(n.grad(1)) += \(n.inputs[0])ᵀ \(n.outputGrad)"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        ["matmul(\(n.outputGrad), transpose(\(n.inputs[1])))", "matmul(transpose(\(n.inputs[0])), \(n.outputGrad))"]
    }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let (a, b) = (n.inputs[0], n.inputs[1])
        return Expansion("Σ_c \(a)[\(i),c]·\(b)[c,\(j)]", (0..<x[0].cols).map { c in
            .init(Expansion.product(x[0][i, c], x[1][c, j]), x[0][i, c] * x[1][c, j])
        })
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (a, b, G) = (n.inputs[0], n.inputs[1], n.outputGrad)
        if k == 0 {   // ∇A J = G Bᵀ
            return Expansion("Σ_c \(G)[\(i),c]·\(b)[\(j),c]", (0..<g.cols).map { c in
                .init(Expansion.product(g[i, c], x[1][j, c]), g[i, c] * x[1][j, c])
            })
        }
        return Expansion("Σ_r \(a)[r,\(i)]·\(G)[r,\(j)]", (0..<g.rows).map { r in   // ∇B J = Aᵀ G
            .init(Expansion.product(x[0][r, i], g[r, j]), x[0][r, i] * g[r, j])
        })
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        let (m, k, n) = (s[0].rows, s[0].cols, s[1].cols)
        return (m * k * n, (needs[0] ? m * n * k : 0) + (needs[1] ? k * m * n : 0))
    }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }   // row i of A·B comes from row i of A
}
