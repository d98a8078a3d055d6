/// Weight initialisation schemes.
public enum Initializer: String, CaseIterable, Sendable {
    /// He: N(0, 2/fan_in), for relu layers.
    case he
    /// Glorot (Xavier) uniform: U(−a, a), a = √(6/(fan_in + fan_out)).
    case glorot

    /// A fan_in × fan_out weight matrix drawn from `rng`.
    /// The draws are made in Double, row by row, then rounded to T: numpy's
    /// `(rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype(np.float32)`.
    public func weights<T: Real, R: RandomSource>(fanIn: Int, fanOut: Int, rng: inout R) -> Matrix<T> {
        switch self {
        case .he:
            let sd = (2.0 / Double(fanIn)).squareRoot()
            return Matrix(rows: fanIn, cols: fanOut) { _, _ in T(rng.standardNormal() * sd) }
        case .glorot:
            let a = (6.0 / Double(fanIn + fanOut)).squareRoot()
            return Matrix(rows: fanIn, cols: fanOut) { _, _ in T(rng.symmetricUniform(a)) }
        }
    }
}

/// Minibatch stochastic gradient descent.
public enum SGD {
    /// `W ← W − ε ∇W J`, elementwise.
    public static func update<T: Real>(_ w: inout Matrix<T>, gradient: Matrix<T>, learningRate lr: T) {
        w = w.zip(gradient) { wv, g in wv - lr * g }
    }
}

/// Classification accuracy of unnormalised log-probabilities against labels.
public enum Accuracy {
    /// The fraction of rows whose largest logit (first on ties) is at the label.
    public static func of<T: Real>(logits: Matrix<T>, labels: [Int]) -> Double {
        guard logits.rows > 0 else { return 0 }
        var hits = 0
        for i in 0..<logits.rows { if argmax(logits, row: i) == labels[i] { hits += 1 } }
        return Double(hits) / Double(logits.rows)
    }
    public static func argmax<T: Real>(_ m: Matrix<T>, row i: Int) -> Int {
        var best = 0
        for j in 1..<m.cols where m[i, j] > m[i, best] { best = j }
        return best
    }
}
