import Foundation

/// An independent reference for any MLP the graph language writes: layers of `X·W (+ b)` and an
/// activation, cross-entropy over the minibatch's mean, and λ·ΣW² over the weights (not biases).
/// Written as plain loops from the equations, sharing no code with the engine, its rules or kernels.
public struct PlainLoopMLP {
    public enum Activation: String, CaseIterable, Sendable { case relu, tanh, sigmoid }
    public struct Layer {
        public var W: [[Double]]
        public var b: [Double]?
        public init(W: [[Double]], b: [Double]?) { self.W = W; self.b = b }
    }
    public var layers: [Layer]
    public var activation: Activation
    public var lambda: Double

    public init(layers: [Layer], activation: Activation, lambda: Double) {
        self.layers = layers; self.activation = activation; self.lambda = lambda
    }

    func act(_ u: Double) -> Double {
        switch activation { case .relu: max(0, u); case .tanh: Foundation.tanh(u); case .sigmoid: 1 / (1 + exp(-u)) }
    }
    /// The activation's derivative from its pre-activation u and output a.
    func slope(_ u: Double, _ a: Double) -> Double {
        switch activation { case .relu: u > 0 ? 1 : 0; case .tanh: 1 - a * a; case .sigmoid: a * (1 - a) }
    }

    /// J and ∂J/∂W, ∂J/∂b of every layer for minibatch X (m×d) with labels y.
    public func gradients(X: [[Double]], y: [Int]) -> (J: Double, W: [[[Double]]], b: [[Double]?]) {
        let m = X.count
        var inputs: [[[Double]]] = [], pre: [[[Double]]] = [], a = X
        for (l, layer) in layers.enumerated() {
            inputs.append(a)
            let n = layer.W[0].count
            var u = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
            for i in 0..<m { for j in 0..<n {
                var s = 0.0
                for c in 0..<layer.W.count { s += a[i][c] * layer.W[c][j] }
                u[i][j] = s + (layer.b?[j] ?? 0)
            } }
            pre.append(u)
            a = l == layers.count - 1 ? u : u.map { $0.map(act) }
        }
        // Cross-entropy's mean over the rows, and its gradient with respect to the logits.
        var J = 0.0, g = a
        for i in 0..<m {
            let mx = a[i].max()!, z = a[i].reduce(0.0) { $0 + exp($1 - mx) }
            J += (log(z) + mx - a[i][y[i]]) / Double(m)
            for j in 0..<a[i].count { g[i][j] = (exp(a[i][j] - mx) / z - (j == y[i] ? 1 : 0)) / Double(m) }
        }
        for layer in layers { for row in layer.W { for w in row { J += lambda * w * w } } }
        var gW = [[[Double]]](), gb = [[Double]?]()
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l], x = inputs[l]
            // g is ∂J/∂(pre-activation) of layer l.
            var w = layer.W.map { $0.map { 2 * lambda * $0 } }
            for c in 0..<layer.W.count { for j in 0..<layer.W[0].count { for i in 0..<m { w[c][j] += x[i][c] * g[i][j] } } }
            gW.insert(w, at: 0)
            gb.insert(layer.b.map { _ in (0..<layer.W[0].count).map { j in (0..<m).reduce(0.0) { $0 + g[$1][j] } } }, at: 0)
            guard l > 0 else { break }
            let u = pre[l - 1]
            var next = [[Double]](repeating: [Double](repeating: 0, count: layer.W.count), count: m)
            for i in 0..<m { for c in 0..<layer.W.count {
                var s = 0.0
                for j in 0..<layer.W[0].count { s += g[i][j] * layer.W[c][j] }
                next[i][c] = s * slope(u[i][c], act(u[i][c]))
            } }
            g = next
        }
        return (J, gW, gb)
    }

    /// The model as graph text: `W1 = param(d, h)`, `b1 = param(1, h)`, … (what the engine is given).
    public var graphText: String {
        var lines = ["X = input()", "y = input()"], previous = "X"
        for (l, layer) in layers.enumerated() {
            let i = l + 1, last = l == layers.count - 1
            lines.append("W\(i) = param(\(l == 0 ? "d" : "h"), \(last ? "k" : "h"))")
            lines.append("A\(i) = matmul(\(previous), W\(i))")
            var u = "A\(i)"
            if layer.b != nil { lines.append("b\(i) = param(1, \(last ? "k" : "h"))"); lines.append("U\(i) = add(A\(i), b\(i))"); u = "U\(i)" }
            if last { previous = u } else { lines.append("H\(i) = \(activation.rawValue)(\(u))"); previous = "H\(i)" }
        }
        lines.append("J_MLE = cross_entropy(\(previous), y)")
        var sums: [String] = []
        for i in 1...layers.count { lines.append("S\(i) = sqr(W\(i))"); lines.append("s\(i) = sum(S\(i))"); sums.append("s\(i)") }
        var total = sums[0]
        for (k, s) in sums.dropFirst().enumerated() { lines.append("t\(k) = add(\(total), \(s))"); total = "t\(k)" }
        lines.append("u = scale(\(total), λ)")
        lines.append("J = add(J_MLE, u)")
        return lines.joined(separator: "\n") + "\n"
    }
}
