/// `s = sum(V)`: the sum of all elements, a 1×1 result.
public enum SumOp: OpRule {
    public static let name = "sum"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sum(V): sum of all elements (1×1)"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { Shape(1, 1) }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { Matrix(scalar: x[0].sum()) }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? Matrix(rows: x[0].rows, cols: x[0].cols, repeating: g.scalar) : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.outputGrad) · 1"] }
    public static func program(_ n: ProgramNames) -> [String?] { ["\(n.outputGrad) * ones_like(\(n.inputs[0]))"] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        Expansion("Σ_r,c \(n.inputs[0])[r,c]", x[0].storage.map { .init(Expansion.number($0), $0) })
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        Expansion("\(n.outputGrad)·1", [.init(Expansion.number(g.scalar), g.scalar)])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }
}
