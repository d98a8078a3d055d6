import BackpropKernels

/// `s = sumsq(W)`: the sum of the squares of all elements (1×1), `sum(sqr(W))` in one pass.
///
/// Training rewrites `V = sqr(W); s = sum(V)` into it when V has no other use
/// (`Graph.fusingSumsOfSquares`): the same bits (the squares are summed in `Reduce`'s order, and
/// the gradient is sqr's `(2w)·g`), without V and the m×n gradient `sum` sends back.
public enum SumSqOp: OpRule {
    public static let name = "sumsq"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sumsq(W): sum of the squares of all elements (1×1), sum(sqr(W)) in one pass"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { Shape(1, 1) }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        let w = x[0]
        var scratch = [T](repeating: 0, count: Reduce.scratchCount(rows: w.rows, cols: w.cols))
        let s = w.storage.withUnsafeBufferPointer { p in
            p.baseAddress.map { T.sumOfSquares($0, rows: w.rows, cols: w.cols, scratch: &scratch) } ?? 0
        }
        return Matrix(scalar: s)
    }
    /// On an executor's kernels: the sum its last update made, when it made it (`Kernels.knownSumsOfSquares`).
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T], kernels: Kernels<T>) -> Matrix<T> {
        if !kernels.knownSumsOfSquares.isEmpty, let a = x[0].address, let s = kernels.knownSumsOfSquares[a] {
            return Matrix(scalar: s)
        }
        return forward(x, c)
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        let gv = g.scalar
        return [needs[0] ? x[0].map { w in (2 * w) * gv } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += 2 \(n.inputs[0]) · \(n.outputGrad)"] }
    public static func program(_ n: ProgramNames) -> [String?] { ["2 * \(n.inputs[0]) * \(n.outputGrad)"] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        Expansion("Σ_r,c \(n.inputs[0])[r,c]²", x[0].storage.map { .init(Expansion.product($0, $0), $0 * $0) })
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (v, gv) = (x[0][i, j], g.scalar)
        return Expansion("2·\(n.inputs[0])[\(i),\(j)]·\(n.outputGrad)",
                         [.init(Expansion.product(2, v, gv), 2 * v * gv)])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (s[0].count, needs[0] ? s[0].count : 0)
    }
    public static let saves: [SavedTensor] = [.input(0)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }
}
