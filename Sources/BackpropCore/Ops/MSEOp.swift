/// `e = mse(A, B)`: mean of (A − B)² over all elements, a 1×1 result.
public enum MSEOp: OpRule {
    public static let name = "mse"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "mse(A, B): mean of (A − B)² over all elements"
    public static let shapeRule = "both shapes must be equal"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] == s[1] ? Shape(1, 1) : nil }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        Matrix(scalar: x[0].zip(x[1]) { a, b in (a - b) * (a - b) }.sum() / T(x[0].count))
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        let s = 2 * g.scalar / T(x[0].count)
        return [needs[0] ? x[0].zip(x[1]) { a, b in s * (a - b) } : nil,
                needs[1] ? x[0].zip(x[1]) { a, b in s * (b - a) } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += 2 (\(n.inputs[0]) − \(n.inputs[1])) \(n.outputGrad) / N",
         "\(n.grad(1)) += 2 (\(n.inputs[1]) − \(n.inputs[0])) \(n.outputGrad) / N"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        let (a, b) = (n.inputs[0], n.inputs[1])
        return ["\(n.outputGrad) * 2 * (\(a) - \(b)) / size(\(a))", "\(n.outputGrad) * 2 * (\(b) - \(a)) / size(\(a))"]
    }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let d = zip(x[0].storage, x[1].storage).map { $0 - $1 }
        return Expansion("(1/N) Σ_r,c (\(n.inputs[0])[r,c] − \(n.inputs[1])[r,c])²",
                         d.map { .init("\(Expansion.factor($0))²", $0 * $0) },
                         factor: .init("1/\(d.count)", 1 / Double(d.count)))
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (a, b) = k == 0 ? (0, 1) : (1, 0)
        let d = x[a][i, j] - x[b][i, j], count = x[0].count
        return Expansion("2·\(n.outputGrad)·(\(n.inputs[a])[\(i),\(j)] − \(n.inputs[b])[\(i),\(j)])/N",
                         [.init(Expansion.factor(d), d)],
                         factor: .init("2·\(Expansion.factor(g.scalar))/\(count)", 2 * g.scalar / Double(count)))
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        (s[0].count, s[0].count)
    }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }   // a mean over all elements
}
