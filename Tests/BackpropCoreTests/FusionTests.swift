import PlainLoopOracle
import Testing
@testable import BackpropCore

/// Training runs `sum(sqr(W))` as `sumsq(W)` (`Graph.fusingSumsOfSquares`): the rewrite is the one
/// described, and J and every parameter's gradient are the same bits as on the graph as written.
struct FusionTests {
    @Test func theRewriteReplacesEachSumOfSquaresInPlace() throws {
        let fused = Figure611.graph.fusingSumsOfSquares()
        #expect(fused.description == """
            X = input()
            W1 = param()
            U1 = matmul(X, W1)
            H = relu(U1)
            W2 = param()
            U2 = matmul(H, W2)
            y = input()
            J_MLE = cross_entropy(U2, y)
            u4 = sumsq(W1)
            u6 = sumsq(W2)
            u7 = add(u4, u6)
            u8 = scale(u7, λ)
            J = add(J_MLE, u8)

            """)
        // A square used twice, or a sum that is the loss, stays as written.
        let shared = try Graph(parsing: "W1 = param()\nX = input()\nS = sqr(W1)\ns = sum(S)\nT = matmul(X, S)\nt = sum(T)\nJ = add(s, t)\n")
        #expect(shared.fusingSumsOfSquares() == shared)
        let lossSum = try Graph(parsing: "W1 = param()\nS = sqr(W1)\nJ = sum(S)\n")
        #expect(lossSum.fusingSumsOfSquares() == lossSum)
    }

    func sameBits<T: Real>(_ graph: Graph, _ bindings: [String: Matrix<T>], _ constants: [String: T],
                           _ what: String) throws {
        let fusedGraph = graph.fusingSumsOfSquares()
        #expect(fusedGraph != graph, "\(what): nothing was fused")
        var results: [(J: T, grads: [String: Matrix<T>])] = []
        for g in [graph, fusedGraph] {
            let engine = try Engine<T>(graph: g, constants: constants)
            var s = try engine.start(bindings)
            try engine.run(&s, to: engine.forwardNodes.count)
            let grads = engine.backward(values: s.values, kernels: Kernels(threads: 2))
            var byName: [String: Matrix<T>] = [:]
            for p in g.names(of: .param) { byName[p] = grads[g.id(p)!] }
            results.append((s.values[g.loss]!.scalar, byName))
        }
        #expect(results[0].J.bitPattern == results[1].J.bitPattern, "\(what): J \(results[0].J) vs \(results[1].J)")
        for (name, a) in results[0].grads {
            #expect(a.bitwiseEqual(results[1].grads[name]!), "\(what): ∇\(name) J differs")
        }
    }

    /// Random MLPs (depth 1 to 3, with and without biases) in float32 and float64.
    @Test(arguments: 0..<12)
    func fusedTrainingGivesTheSameBits(_ i: Int) throws {
        var rng = SeededGenerator(seed: 7100 + UInt64(i))
        let (m, d, h, k) = (16 + rng.nextIndex(below: 9), 3 + rng.nextIndex(below: 30), 4 + rng.nextIndex(below: 40),
                            2 + rng.nextIndex(below: 4))
        let depth = 1 + i % 3, biases = i % 2 == 1
        func matrix(_ r: Int, _ c: Int) -> [[Double]] { (0..<r).map { _ in (0..<c).map { _ in rng.nextNormal() } } }
        let layers = (0..<depth).map { l in
            PlainLoopMLP.Layer(W: matrix(l == 0 ? d : h, l == depth - 1 ? k : h),
                               b: biases ? (0..<(l == depth - 1 ? k : h)).map { _ in rng.nextNormal() } : nil)
        }
        let mlp = PlainLoopMLP(layers: layers, activation: .relu, lambda: 0.01)
        let graph = try Graph(parsing: mlp.graphText)
        let X = matrix(m, d), y = (0..<m).map { _ in Double(rng.nextIndex(below: k)) }
        func bind<T: Real>(_: T.Type) -> [String: Matrix<T>] {
            func m2(_ a: [[Double]]) -> Matrix<T> { Matrix(rows: a.count, cols: a[0].count) { T(a[$0][$1]) } }
            var b = ["X": m2(X), "y": Matrix<T>(rows: m, cols: 1) { r, _ in T(y[r]) }]
            for (l, layer) in layers.enumerated() {
                b["W\(l + 1)"] = m2(layer.W)
                if let bias = layer.b { b["b\(l + 1)"] = m2([bias]) }
            }
            return b
        }
        try sameBits(graph, bind(Float.self), ["λ": 0.01, "k": Float(k)], "float32 depth \(depth)")
        try sameBits(graph, bind(Double.self), ["λ": 0.01, "k": Double(k)], "float64 depth \(depth)")
    }
}
