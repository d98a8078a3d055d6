/// `J = cross_entropy(U, y)`: mean over rows of −log softmax(U)[y]; U are unnormalised log-probabilities.
public enum CrossEntropyOp: OpRule {
    public static let name = "cross_entropy"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "cross_entropy(U, y): mean −log softmax(U)[row, y[row]] over the m rows"
    public static let shapeRule = "U is m×k and y is m×1"
    public static func shape(_ s: [Shape]) -> Shape? { s[1].rows == s[0].rows && s[1].cols == 1 ? Shape(1, 1) : nil }
    /// Every update checks its labels: specialized, through a pointer (the generic `enumerated()`
    /// looked its metadata up per label, ~1.8% of an update; docs/performance-log.md).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func validate<T: Real>(_ x: [Matrix<T>]) -> String? {
        let k = x[0].cols, top = T(k)
        let bad = x[1].storage.withUnsafeBufferPointer { y -> Int? in
            guard let p = y.baseAddress else { return nil }
            for i in 0..<y.count {
                let v = p[i]
                if !(v >= 0 && v < top && v == v.rounded(.towardZero)) { return i }
            }
            return nil
        }
        return bad.map { "label \(x[1].storage[$0]) in row \($0) is not a class index in 0..<\(k)" }
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        var scratch = x[0].storage
        let total = scratch.withUnsafeMutableBufferPointer { u in
            x[1].storage.withUnsafeBufferPointer { y in
                softmaxRows(u.baseAddress!, labels: y.baseAddress!, rows: x[0].rows, cols: x[0].cols)
            }
        }
        return Matrix(scalar: total / T(x[0].rows))
    }
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool]) -> [Matrix<T>?] {
        guard needs[0] else { return [nil, nil] }
        var out = x[0]
        out.storage.withUnsafeMutableBufferPointer { u in
            x[1].storage.withUnsafeBufferPointer { l in
                _ = softmaxRows(u.baseAddress!, labels: l.baseAddress!, rows: x[0].rows, cols: x[0].cols)
                gradientFromSoftmax(u.baseAddress!, labels: l.baseAddress!, rows: x[0].rows, cols: x[0].cols,
                                    scale: g.scalar / T(x[0].rows))
            }
        }
        return [out, nil]    // labels get no gradient
    }
    /// In place, row by row: logits → exp(u − rowmax); returns Σ over rows of −log softmax(u)[label],
    /// added in row order. Shared with the fused trainer.
    @inline(__always)
    public static func softmaxRows<T: Real>(_ u: UnsafeMutablePointer<T>, labels: UnsafePointer<T>, rows: Int,
                                            cols k: Int) -> T {
        var total: T = 0
        for i in 0..<rows { total += softmaxRow(u + i * k, label: Int(labels[i]), cols: k) }
        return total
    }
    /// One row of `softmaxRows`: logits → exp(u − max) in place; returns −log softmax(u)[label].
    /// Subtracting the row's max keeps it stable for logits of ±1e4.
    @inline(__always)
    public static func softmaxRow<T: Real>(_ r: UnsafeMutablePointer<T>, label: Int, cols k: Int) -> T {
        var mx = r[0]
        for j in 1..<k { mx = max(mx, r[j]) }
        let picked = r[label]
        var s: T = 0
        for j in 0..<k { let e = T.exp(r[j] - mx); r[j] = e; s += e }
        return (T.log(s) + mx) - picked
    }
    /// In place, from `softmaxRows`' output: `scale · (softmax − onehot(y))`, i.e. G with scale = 1/m.
    @inline(__always)
    public static func gradientFromSoftmax<T: Real>(_ e: UnsafeMutablePointer<T>, labels: UnsafePointer<T>, rows: Int,
                                                    cols k: Int, scale: T) {
        for i in 0..<rows {
            let r = e + i * k
            var s: T = 0
            for j in 0..<k { s += r[j] }
            let label = Int(labels[i])
            for j in 0..<k { r[j] = (r[j] / s - (j == label ? 1 : 0)) * scale }
        }
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += (softmax(\(n.inputs[0])) − onehot(\(n.inputs[1]))) / m",
         "(no gradient for labels \(n.inputs[1]))"]
    }
    public static func program(_ n: ProgramNames) -> [String?] {
        ["\(n.outputGrad) * (softmax(\(n.inputs[0])) - one_hot(\(n.inputs[1]))) / rows(\(n.inputs[0]))", nil]
    }
    public static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int,
                               _ j: Int) -> Expansion {
        let (u, y, m) = (n.inputs[0], n.inputs[1], x[0].rows)
        let terms: [Expansion.Term] = (0..<m).map { r in
            let row = (0..<x[0].cols).map { x[0][r, $0] }, mx = row.max()!, picked = row[Int(x[1][r, 0])]
            let lse = Double.log(row.reduce(0) { $0 + Double.exp($1 - mx) }) + mx
            return .init("(\(Expansion.number(lse)) − \(Expansion.factor(picked)))", lse - picked)
        }
        return Expansion("(1/m) Σ_r (log Σ_c e^\(u)[r,c] − \(u)[r,\(y)[r]])", terms,
                         factor: .init("1/\(m)", 1 / Double(m)))
    }
    public static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                       _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
        let (u, l, m) = (n.inputs[0], n.inputs[1], x[0].rows)
        let row = (0..<x[0].cols).map { x[0][i, $0] }, mx = row.max()!
        let p = Double.exp(row[j] - mx) / row.reduce(0) { $0 + Double.exp($1 - mx) }
        var terms = [Expansion.Term("\(Expansion.number(p))", p)]
        if Int(x[1][i, 0]) == j { terms.append(.init("−1", -1)) }
        return Expansion("\(n.outputGrad)·(softmax(\(u))[\(i),\(j)] − [\(j) = \(l)[\(i)]])/m", terms,
                         factor: .init("\(Expansion.factor(g.scalar))/\(m)", g.scalar / Double(m)))
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }   // a mean over the rows
}
