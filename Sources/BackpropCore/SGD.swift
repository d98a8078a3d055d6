/// Minibatch stochastic gradient descent.
public enum SGD {
    /// `W ← W − ε ∇W J`, elementwise.
    public static func update<T: Real>(_ w: inout Matrix<T>, gradient: Matrix<T>, learningRate lr: T) {
        w.formZip(gradient) { wv, g in wv - lr * g }
    }
}
