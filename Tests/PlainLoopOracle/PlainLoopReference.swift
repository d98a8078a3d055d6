import Foundation

/// An independent reference for one whole step, written as plain loops from the book's equations,
/// sharing no code with the engine, its rules or its kernels.
public struct PlainLoopReference {
    public var X: [[Double]], W1: [[Double]], W2: [[Double]], y: [Int], lambda: Double, lr: Double
    var m: Int { X.count }; var d: Int { W1.count }; var nh: Int { W2.count }; var k: Int { W2[0].count }

    func mm(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<a.count).map { i in (0..<b[0].count).map { j in (0..<b.count).reduce(0.0) { $0 + a[i][$1] * b[$1][j] } } }
    }
    func t(_ a: [[Double]]) -> [[Double]] { (0..<a[0].count).map { j in (0..<a.count).map { a[$0][j] } } }

    public init(X: [[Double]], W1: [[Double]], W2: [[Double]], y: [Int], lambda: Double, lr: Double) {
        self.X = X; self.W1 = W1; self.W2 = W2; self.y = y; self.lambda = lambda; self.lr = lr
    }

    /// Every named quantity of the step by its book name (`G`, `G'`, `Hᵀ G`, …, `∇W1 J`), each
    /// forward value by its node name (`U1`, `H`, `U2`), and the updated weights `W1'`, `W2'`.
    public func run() -> [String: [[Double]]] {
        let U1 = mm(X, W1)
        let H = U1.map { $0.map { max(0, $0) } }
        let U2 = mm(H, W2)
        var jmle = 0.0
        var G = U2
        for i in 0..<m {
            let mx = U2[i].max()!
            let z = U2[i].reduce(0.0) { $0 + exp($1 - mx) }
            jmle += (log(z) + mx - U2[i][y[i]]) / Double(m)
            for j in 0..<k { G[i][j] = (exp(U2[i][j] - mx) / z - (j == y[i] ? 1 : 0)) / Double(m) }
        }
        let sq = W1.joined().reduce(0.0) { $0 + $1 * $1 } + W2.joined().reduce(0.0) { $0 + $1 * $1 }
        let J = jmle + lambda * sq
        let HTG = mm(t(H), G)
        let GW2T = mm(G, t(W2))
        let Gp = (0..<m).map { i in (0..<nh).map { j in U1[i][j] > 0 ? GW2T[i][j] : 0 } }
        let XTGp = mm(t(X), Gp)
        let d1 = W1.map { $0.map { 2 * lambda * $0 } }, d2 = W2.map { $0.map { 2 * lambda * $0 } }
        let gW1 = zip(XTGp, d1).map { zip($0, $1).map(+) }, gW2 = zip(HTG, d2).map { zip($0, $1).map(+) }
        return ["G": G, "G'": Gp, "Hᵀ G": HTG, "G W2ᵀ": GW2T, "Xᵀ G'": XTGp, "2λW1": d1, "2λW2": d2,
                "∇W1 J": gW1, "∇W2 J": gW2, "J_MLE": [[jmle]], "J": [[J]],
                "U1": U1, "H": H, "U2": U2,
                "W1'": zip(W1, gW1).map { zip($0, $1).map { $0 - lr * $1 } }, "W2'": zip(W2, gW2).map { zip($0, $1).map { $0 - lr * $1 } }]
    }
}

