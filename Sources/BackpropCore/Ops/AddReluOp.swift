/// `H = add_relu(A, B)`: relu(add(A, B)), a hidden layer's bias add and activation in one pass.
///
/// Training rewrites `U = add(A, B); H = relu(U)` into it when U has no other use
/// (`Graph.fusedForTraining`): the same bits (each entry is add's sum, then relu's `u > 0 ? u : 0`;
/// backward masks by `H > 0`, which holds exactly where `U > 0` does, and a broadcast row's gradient
/// sums the masked rows in add's order), without U, and one pass over the layer each way, not two.
public enum AddReluOp: OpRule {
    public static let name = "add_relu"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "add_relu(A, B): relu(A + B) in one pass (B may be a 1×n row, as for add)"
    public static let shapeRule = AddOp.shapeRule
    public static func shape(_ s: [Shape]) -> Shape? { AddOp.shape(s) }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        AddOp.rowwise(x) { o, a, r, n in addReluRow(o, a, r, n) }   // add's operands, in add's order
    }
    /// `o[j] = relu(a[j] + r[j])` for j < n, as add then relu compute it.
    @inline(__always)
    static func addReluRow<T: Real>(_ o: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, _ r: UnsafePointer<T>,
                                    _ n: Int) {
        for j in 0..<n { let u = a[j] + r[j]; o[j] = u > 0 ? u : 0 }
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        let n = g.cols
        // A broadcast row that wants a gradient gets the masked rows' sums, made in the same pass.
        let row = (0..<2).first { needs[$0] && x[$0].shape != g.shape }
        var sums = [T](repeating: 0, count: row == nil ? 0 : n)
        let masked = [T](unsafeUninitializedCapacity: g.count) { o, count in
            g.storage.withUnsafeBufferPointer { gp in
                y.storage.withUnsafeBufferPointer { hp in
                    sums.withUnsafeMutableBufferPointer { s in
                        guard let o = o.baseAddress, let gp = gp.baseAddress, let hp = hp.baseAddress else { return }
                        // (By `row`: an empty array's buffer may still have a base address.)
                        if row != nil, let s = s.baseAddress {
                            for i in 0..<g.rows { maskRow(o + i * n, gp + i * n, hp + i * n, n, summing: true, s) }
                        } else {
                            for i in 0..<g.rows { maskRow(o + i * n, gp + i * n, hp + i * n, n, summing: false, o) }
                        }
                    }
                }
            }
            count = g.count
        }
        let gu = Matrix(rows: g.rows, cols: n, masked)
        return (0..<2).map { k in
            needs[k] ? (k == row ? Matrix(rows: 1, cols: n, sums) : AddOp.fit(gu, x[k].shape)) : nil
        }
    }
    /// `o[j] = h[j] > 0 ? g[j] : 0` (relu's gradient, by the output) and, `summing`, `s[j] += o[j]`:
    /// add's row gradient, the rows in order from +0. (Always inlined with a constant `summing`, so
    /// that each loop is compiled without the other's work.)
    @inline(__always)
    static func maskRow<T: Real>(_ o: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ h: UnsafePointer<T>, _ n: Int,
                                 summing: Bool, _ s: UnsafeMutablePointer<T>) {
        for j in 0..<n {
            let v = h[j] > 0 ? g[j] : 0
            o[j] = v
            if summing { s[j] = s[j] + v }
        }
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) ⊙ [\(n.output) > 0]", "\(n.grad(1)) += \(n.outputGrad) ⊙ [\(n.output) > 0]"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        let masked = "\(n.outputGrad) * (\(n.output) > 0)"
        return [masked, masked]
    }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        // A broadcast row is read at row 0.
        let (ia, ib) = (x[0].rows == 1 ? 0 : i, x[1].rows == 1 ? 0 : i)
        let (a, b) = (x[0][ia, j], x[1][ib, j])
        return Expansion("max(0, \(n.inputs[0])[\(ia),\(j)] + \(n.inputs[1])[\(ib),\(j)])",
                         [.init("max(0, \(Expansion.number(a)) + \(Expansion.number(b)))", a + b > 0 ? a + b : 0)])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        func term(_ r: Int) -> Expansion.Term {
            let (gv, h) = (g[r, j], y[r, j])
            return .init("\(Expansion.factor(gv))·[\(Expansion.number(h)) > 0]", h > 0 ? gv : 0)
        }
        if x[k].shape != g.shape {   // a broadcast row: its gradient sums over the rows
            return Expansion("Σ_r \(n.outputGrad)[r,\(j)]·[\(n.output)[r,\(j)] > 0]", (0..<g.rows).map(term))
        }
        return Expansion("\(n.outputGrad)[\(i),\(j)]·[\(n.output)[\(i),\(j)] > 0]", [term(i)])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        AddOp.multiplyAdds(s, needs: needs)
    }
    public static let saves: [SavedTensor] = [.output]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] || inputs[1] }
}
