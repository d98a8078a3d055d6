/// The ops of the graph language. Each entry: forward, backward rule and its formula together.

/// `C = matmul(A, B)`: the matrix product.
public enum MatMulOp: OpRule {
    public static let name = "matmul"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "matmul(A, B): matrix product A·B"
    public static let shapeRule = "the columns of A must equal the rows of B"
    public static func shape(_ s: [Shape]) -> Shape? { s[0].cols == s[1].rows ? Shape(s[0].rows, s[1].cols) : nil }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].matmul(x[1]) }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.matmul(x[1], transposeOther: true) : nil,   // ∇A J = G Bᵀ
         needs[1] ? x[0].matmul(g, transposeSelf: true) : nil]    // ∇B J = Aᵀ G
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) \(n.inputs[1])ᵀ", "\(n.grad(1)) += \(n.inputs[0])ᵀ \(n.outputGrad)"]
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) {
        let (m, k, n) = (s[0].rows, s[0].cols, s[1].cols)
        return (m * k * n, (needs[0] ? m * n * k : 0) + (needs[1] ? k * m * n : 0))
    }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }   // row i of A·B comes from row i of A
}

/// `H = relu(U)`: max(0, u) elementwise. Its derivative at 0 is taken to be 0.
public enum ReluOp: OpRule {
    public static let name = "relu"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "relu(U): max(0, U) elementwise; relu'(0) = 0"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { $0 > 0 ? $0 : 0 } }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.zip(x[0]) { gv, u in u > 0 ? gv : 0 } : nil]   // zero where U ≤ 0
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += \(n.outputGrad) ⊙ [\(n.inputs[0]) > 0]"]
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = [.input(0)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}

/// `J = cross_entropy(U, y)`: mean over rows of −log softmax(U)[y]; U are unnormalised log-probabilities.
public enum CrossEntropyOp: OpRule {
    public static let name = "cross_entropy"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "cross_entropy(U, y): mean −log softmax(U)[row, y[row]] over the m rows"
    public static let shapeRule = "U is m×k and y is m×1"
    public static func shape(_ s: [Shape]) -> Shape? { s[1].rows == s[0].rows && s[1].cols == 1 ? Shape(1, 1) : nil }
    public static func validate<T: Real>(_ x: [Matrix<T>]) -> String? {
        let k = x[0].cols
        for (i, v) in x[1].storage.enumerated() where !(v >= 0 && v < T(k) && v == v.rounded(.towardZero)) {
            return "label \(v) in row \(i) is not a class index in 0..<\(k)"
        }
        return nil
    }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        var scratch = x[0].storage
        let total = scratch.withUnsafeMutableBufferPointer { u in
            x[1].storage.withUnsafeBufferPointer { y in softmaxRows(u.baseAddress!, labels: y.baseAddress!, rows: x[0].rows, cols: x[0].cols) }
        }
        return Matrix(scalar: total / T(x[0].rows))
    }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        guard needs[0] else { return [nil, nil] }
        var out = x[0]
        out.storage.withUnsafeMutableBufferPointer { u in
            x[1].storage.withUnsafeBufferPointer { l in
                _ = softmaxRows(u.baseAddress!, labels: l.baseAddress!, rows: x[0].rows, cols: x[0].cols)
                gradientFromSoftmax(u.baseAddress!, labels: l.baseAddress!, rows: x[0].rows, cols: x[0].cols, scale: g.scalar / T(x[0].rows))
            }
        }
        return [out, nil]    // labels get no gradient
    }
    /// In place, row by row: logits → exp(u − rowmax); returns Σ over rows of −log softmax(u)[label],
    /// added in row order. Shared with the fused trainer.
    @inline(__always)
    public static func softmaxRows<T: Real>(_ u: UnsafeMutablePointer<T>, labels: UnsafePointer<T>, rows: Int, cols k: Int) -> T {
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
    public static func gradientFromSoftmax<T: Real>(_ e: UnsafeMutablePointer<T>, labels: UnsafePointer<T>, rows: Int, cols k: Int, scale: T) {
        for i in 0..<rows {
            let r = e + i * k
            var s: T = 0
            for j in 0..<k { s += r[j] }
            let label = Int(labels[i])
            for j in 0..<k { r[j] = (r[j] / s - (j == label ? 1 : 0)) * scale }
        }
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += (softmax(\(n.inputs[0])) − onehot(\(n.inputs[1]))) / m", "(no gradient for labels \(n.inputs[1]))"]
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }   // a mean over the rows
}

/// `V = sqr(W)`: elementwise square.
public enum SqrOp: OpRule {
    public static let name = "sqr"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sqr(W): W² elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { $0 * $0 } }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? x[0].zip(g) { w, gv in (2 * w) * gv } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += 2 \(n.inputs[0]) ⊙ \(n.outputGrad)"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (s[0].count, needs[0] ? s[0].count : 0) }
    public static let saves: [SavedTensor] = [.input(0)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}

/// `s = sum(V)`: the sum of all elements, a 1×1 result.
public enum SumOp: OpRule {
    public static let name = "sum"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sum(V): sum of all elements (1×1)"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { Shape(1, 1) }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { Matrix(scalar: x[0].sum()) }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? Matrix(rows: x[0].rows, cols: x[0].cols, repeating: g.scalar) : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.outputGrad) · 1"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }
}

/// `c = add(a, b)`: elementwise sum of two matrices of one shape.
public enum AddOp: OpRule {
    public static let name = "add"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "add(A, B): A + B, same shapes"
    public static let shapeRule = "both shapes must be equal"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] == s[1] ? s[0] : nil }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0] + x[1] }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g : nil, needs[1] ? g : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.outputGrad)", "\(n.grad(1)) += \(n.outputGrad)"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] || inputs[1] }
}

/// `b = scale(a, λ)`: multiplication by a named constant.
public enum ScaleOp: OpRule {
    public static let name = "scale"
    public static let arity = (inputs: 1, constants: 1)
    public static let summary = "scale(A, c): c·A for a named constant c (such as λ)"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { c[0] * $0 } }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.map { c[0] * $0 } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.constants[0]) \(n.outputGrad)"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (s[0].count, needs[0] ? s[0].count : 0) }
    public static let saves: [SavedTensor] = []
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}

/// `Y = tanh(A)` elementwise.
public enum TanhOp: OpRule {
    public static let name = "tanh"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "tanh(A): hyperbolic tangent elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { x[0].map { T.tanh($0) } }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.zip(y) { gv, t in gv * (1 - t * t) } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.outputGrad) ⊙ (1 − \(n.output)²)"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, needs[0] ? s[0].count : 0) }
    public static let saves: [SavedTensor] = [.output]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}

/// `Y = sigmoid(A)` = 1 / (1 + e^−A) elementwise.
public enum SigmoidOp: OpRule {
    public static let name = "sigmoid"
    public static let arity = (inputs: 1, constants: 0)
    public static let summary = "sigmoid(A): 1/(1+exp(−A)) elementwise"
    public static let shapeRule = "any shape"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        // Two branches so that exp never overflows.
        x[0].map { a in a >= 0 ? 1 / (1 + T.exp(-a)) : T.exp(a) / (1 + T.exp(a)) }
    }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        [needs[0] ? g.zip(y) { gv, s in gv * s * (1 - s) } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] { ["\(n.grad(0)) += \(n.outputGrad) ⊙ \(n.output) ⊙ (1 − \(n.output))"] }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, needs[0] ? 2 * s[0].count : 0) }
    public static let saves: [SavedTensor] = [.output]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { inputs[0] }
}

/// `e = mse(A, B)`: mean of (A − B)² over all elements, a 1×1 result.
public enum MSEOp: OpRule {
    public static let name = "mse"
    public static let arity = (inputs: 2, constants: 0)
    public static let summary = "mse(A, B): mean of (A − B)² over all elements"
    public static let shapeRule = "both shapes must be equal"
    public static func shape(_ s: [Shape]) -> Shape? { s[0] == s[1] ? Shape(1, 1) : nil }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> {
        Matrix(scalar: x[0].zip(x[1]) { a, b in (a - b) * (a - b) }.sum() / T(x[0].count))
    }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
        let s = 2 * g.scalar / T(x[0].count)
        return [needs[0] ? x[0].zip(x[1]) { a, b in s * (a - b) } : nil,
                needs[1] ? x[0].zip(x[1]) { a, b in s * (b - a) } : nil]
    }
    public static func formula(_ n: FormulaNames) -> [String] {
        ["\(n.grad(0)) += 2 (\(n.inputs[0]) − \(n.inputs[1])) \(n.outputGrad) / N", "\(n.grad(1)) += 2 (\(n.inputs[1]) − \(n.inputs[0])) \(n.outputGrad) / N"]
    }
    public static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (s[0].count, s[0].count) }
    public static let saves: [SavedTensor] = [.input(0), .input(1)]
    public static func keepsBatchRows(_ inputs: [Bool]) -> Bool { false }   // a mean over all elements
}

/// Leaves: `X = input()` (data, no gradient) and `W = param()` (trained, gets ∇W J).
public enum LeafKind: String, Sendable, CaseIterable { case input, param }
