/// `c = add(a, b)`: elementwise sum of two matrices of one shape, or of an m×n matrix and a 1×n
/// row (a bias), which is added to every row; the row's gradient sums over the rows.
public enum AddOp: OpRule {
    public static let name = "add"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "add(A, B): A + B, same shapes, or a 1×n row added to every row"
    public static let shapeRule = "both shapes must be equal, or one of them a 1×n row of the other's n columns"
    public static func shape(_ s: [Shape]) -> Shape? {
        if s[0] == s[1] { return s[0] }
        if s[1].rows == 1 && s[1].cols == s[0].cols { return s[0] }
        if s[0].rows == 1 && s[0].cols == s[1].cols { return s[1] }
        return nil
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        if x[0].shape == x[1].shape { return x[0] + x[1] }
        return rowwise(x) { o, a, r, n in addRow(o, a, r, n) }
    }
    /// `row(o, a, r, n)` for each row of the output, in add's order: a the row of A and r of B when
    /// their shapes are equal, else a the row of the full matrix and r the broadcast row (shared
    /// with `add_relu`, which must add exactly as add does).
    /// Through raw base pointers, row by row: the buffer subscripts kept the loop from vectorising
    /// (measured: docs/performance-log.md).
    @inline(__always)
    static func rowwise<T: Real>(_ x: [Matrix<T>],
                                 _ row: (UnsafeMutablePointer<T>, UnsafePointer<T>, UnsafePointer<T>, Int) -> Void)
        -> Matrix<T> {
        let same = x[0].shape == x[1].shape
        let (big, other) = same || x[0].rows != 1 ? (x[0], x[1]) : (x[1], x[0])
        let n = big.cols, stride = same ? n : 0
        let out = [T](unsafeUninitializedCapacity: big.count) { o, count in
            big.storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { r in
                    guard let o = o.baseAddress, let a = a.baseAddress, let r = r.baseAddress else { return }
                    for i in 0..<big.rows { row(o + i * n, a + i * n, r + i * stride, n) }
                }
            }
            count = big.count
        }
        return Matrix(rows: big.rows, cols: n, out)
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? fit(g, x[0].shape) : nil, needs[1] ? fit(g, x[1].shape) : nil]
    }
    /// `o[j] = a[j] + r[j]` for j < n.
    @inline(__always)
    static func addRow<T: Real>(_ o: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, _ r: UnsafePointer<T>, _ n: Int) {
        for j in 0..<n { o[j] = a[j] + r[j] }
    }
    /// The gradient of an input of shape `s`: g itself, or g's rows summed in order for a broadcast row
    /// (each column from +0, row 0 first: a row at a time, so that the columns' adds vectorise).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func fit<T: Real>(_ g: Matrix<T>, _ s: Shape) -> Matrix<T> {
        guard s != g.shape else { return g }
        let n = g.cols
        var out = [T](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            g.storage.withUnsafeBufferPointer { gp in
                guard let o = o.baseAddress, let gp = gp.baseAddress else { return }
                for i in 0..<g.rows { addRow(o, o, gp + i * n, n) }
            }
        }
        return Matrix(rows: 1, cols: n, out)
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad)", "\(n.grad(1)) += \(n.outputGrad)"]
    }
    public static func program(_ n: ProgramNames) -> [String?] { [n.outputGrad, n.outputGrad] }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        // A broadcast row is read at row 0.
        let (ia, ib) = (x[0].rows == 1 ? 0 : i, x[1].rows == 1 ? 0 : i)
        return Expansion("\(n.inputs[0])[\(ia),\(j)] + \(n.inputs[1])[\(ib),\(j)]",
                         [.init(Expansion.number(x[0][ia, j]), x[0][ia, j]),
                          .init(Expansion.number(x[1][ib, j]), x[1][ib, j])])
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        if x[k].shape != g.shape {   // a broadcast row: its gradient sums over the rows
            return Expansion("Σ_r \(n.outputGrad)[r,\(j)]",
                             (0..<g.rows).map { .init(Expansion.number(g[$0, j]), g[$0, j]) })
        }
        return Expansion("\(n.outputGrad)[\(i),\(j)]", [.init(Expansion.number(g[i, j]), g[i, j])])
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        let n = max(s[0].count, s[1].count)
        return (s[0] == s[1] ? 0 : n, zip(s, needs).reduce(0) { $0 + ($1.1 && $1.0.count < n ? n : 0) })
    }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] || inputs[1] }
}
