import PlainLoopOracle
import Testing
@testable import BackpropCore

/// Training runs `sum(sqr(W))` as `sumsq(W)` and relu(add(A, B)) as `add_relu(A, B)`
/// (`Graph.fusedForTraining`): the rewrites are the ones described, and J and every parameter's
/// gradient are the same bits as on the graph as written.
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

    @Test func theBiasAddAndReluBecomeOneNodeInTheAddsPlace() throws {
        let g = try Graph(parsing: """
            X = input()
            W1 = param(d, 4)
            b1 = param(1, 4)
            A1 = matmul(X, W1)
            U1 = add(A1, b1)
            Z = matmul(X, W1)
            H1 = relu(U1)
            W2 = param(4, k)
            A2 = matmul(H1, W2)
            U2 = add(A2, Z)
            H2 = relu(U2)
            V = add(H2, H1)
            R = relu(V)
            y = input()
            J_MLE = cross_entropy(R, y)
            S = relu(V)
            s = sum(S)
            J = add(J_MLE, s)

            """)
        // U1 and U2 fused (each read by its relu alone), V not (two relus read it).
        #expect(g.fusingAddRelus().description == """
            X = input()
            W1 = param(d, 4)
            b1 = param(1, 4)
            A1 = matmul(X, W1)
            H1 = add_relu(A1, b1)
            Z = matmul(X, W1)
            W2 = param(4, k)
            A2 = matmul(H1, W2)
            H2 = add_relu(A2, Z)
            V = add(H2, H1)
            R = relu(V)
            y = input()
            J_MLE = cross_entropy(R, y)
            S = relu(V)
            s = sum(S)
            J = add(J_MLE, s)

            """)
        let lossAdd = try Graph(parsing: "W1 = param()\nW2 = param()\nU = add(W1, W2)\nJ = relu(U)\n")
        #expect(lossAdd.fusingAddRelus().description.contains("J = add_relu(W1, W2)"))
        // A `nonfinite` probe keeps U (relu would hide a U that overflowed to −∞).
        let fig = try Graph(parsing: "X = input()\nW1 = param()\nb = param(1, h)\nA = matmul(X, W1)\nU = add(A, b)\n"
                            + "H = relu(U)\ny = input()\nJ = cross_entropy(H, y)\n")
        #expect(fig.fusedForTraining().id("U") == nil)
        #expect(fig.fusedForTraining(probes: [try TensorPredicate("nonfinite", graph: fig)]).id("U") != nil)
        #expect(fig.fusedForTraining(probes: [try TensorPredicate("max(H) > 3", graph: fig)]).id("U") == nil)
    }

    /// add_relu's value and gradients are add's then relu's, bit for bit, in Float and Double: same
    /// shapes and a row on either side, every choice of gradients wanted, with ±0, ±∞, NaN, values
    /// at the kink and sums that overflow among the entries.
    @Test func addReluIsAddThenReluBitForBit() {
        func check<T: Real>(_: T.Type) {
            var rng = SeededGenerator(seed: 61)
            let special: [T] = [0, -0.0, .infinity, -.infinity, .nan, T.greatestFiniteMagnitude, 1, -1]
            func value() -> T { rng.nextUnit() < 0.3 ? special[rng.nextIndex(below: special.count)] : T(rng.nextNormal()) }
            for shapes in [[Shape(7, 37), Shape(7, 37)], [Shape(9, 33), Shape(1, 33)], [Shape(1, 5), Shape(6, 5)]] {
                let x = shapes.map { s in Matrix<T>(rows: s.rows, cols: s.cols) { _, _ in value() } }
                let u = AddOp.forward(x, []), h = ReluOp.forward([u], [])
                let fused = AddReluOp.forward(x, [])
                #expect(fused.bitwiseEqual(h), "\(T.self) \(shapes) forward")
                let g = Matrix<T>(rows: h.rows, cols: h.cols) { _, _ in value() }
                for needs in [[true, true], [true, false], [false, true]] {
                    let gu = ReluOp.backward(g, [u], h, [], needs: [true])[0]!
                    let want = AddOp.backward(gu, x, u, [], needs: needs)
                    let got = AddReluOp.backward(g, x, fused, [], needs: needs)
                    for k in 0..<2 {
                        #expect((got[k] == nil) == !needs[k])
                        if let w = want[k], let o = got[k] {
                            #expect(o.bitwiseEqual(w), "\(T.self) \(shapes) ∇ input \(k) \(needs)")
                        }
                    }
                }
            }
        }
        check(Float.self)
        check(Double.self)
    }

    func sameBits<T: Real>(_ graph: Graph, _ bindings: [String: Matrix<T>], _ constants: [String: T],
                           _ what: String) throws {
        let fusedGraph = graph.fusedForTraining()
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
