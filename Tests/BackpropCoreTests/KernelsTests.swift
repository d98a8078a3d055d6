import Testing
@testable import BackpropCore

/// The engine's products (`Kernels`): right, the same bits at 1 and 2 threads, A's zeros left out
/// only where that cannot change a bit, and the finiteness check that decides it.
struct KernelsTests {
    static func random(_ r: Int, _ c: Int, _ rng: inout SeededGenerator, zeroColumns: Set<Int> = []) -> Matrix<Float> {
        Matrix(rows: r, cols: c) { _, j in zeroColumns.contains(j) ? 0 : Float(rng.nextNormal()) }
    }

    /// A plain triple loop in Double: the oracle for op(A)·op(B).
    static func product(_ a: Matrix<Float>, _ b: Matrix<Float>, transA: Bool, transB: Bool) -> [Double] {
        let m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols, n = transB ? b.rows : b.cols
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k {
            out[i * n + j] += Double(transA ? a[p, i] : a[i, p]) * Double(transB ? b[j, p] : b[p, j])
        } } }
        return out
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productsAgreeWithTheOracleAtOneAndTwoThreads(_ t: (Bool, Bool)) {
        let (transA, transB) = t
        var rng = SeededGenerator(seed: 91)
        // 96×160×80: large enough (over 2^18 multiply-adds) that two threads split it.
        let (m, k, n) = (96, 80, 160)
        let a = transA ? Self.random(k, m, &rng) : Self.random(m, k, &rng)
        let b = transB ? Self.random(n, k, &rng) : Self.random(k, n, &rng)
        let one = Kernels<Float>(threads: 1).matmul(a, b, transA: transA, transB: transB)
        let two = Kernels<Float>(threads: 2).matmul(a, b, transA: transA, transB: transB)
        #expect(one.shape == Shape(m, n))
        #expect(one.bitwiseEqual(two), "1 and 2 threads differ")
        let oracle = Self.product(a, b, transA: transA, transB: transB)
        let worst = zip(one.storage, oracle).map { abs(Double($0) - $1) }.max()!
        #expect(worst < 1e-4, "differs from the plain loop by \(worst)")
    }

    @Test func zerosOfALeftOutGiveTheDenseBits() {
        var rng = SeededGenerator(seed: 92)
        // Whole zero columns of A (pixels that are 0 in every example), as images have.
        let a = Self.random(64, 300, &rng, zeroColumns: Set(stride(from: 0, to: 300, by: 3)))
        let b = Self.random(300, 48, &rng)
        let kernels = Kernels<Float>(threads: 2)
        let dense = a.matmul(b)   // Matrix.matmul never leaves zeros out
        #expect(kernels.matmul(a, b).bitwiseEqual(dense))
        // The same read transposed (as Xᵀ G' reads X).
        let aT = Matrix(rows: 300, cols: 64) { i, j in a[j, i] }
        #expect(kernels.matmul(aT, b, transA: true).bitwiseEqual(aT.matmul(b, transposeSelf: true)))
    }

    /// Aᵀ B of 16 columns or fewer (a classifier's gradient Hᵀ G), which `Kernels` makes as (Bᵀ A)ᵀ:
    /// each entry the fused multiply-adds of its k terms in order from +0, bit for bit, as every
    /// product's entry is, at 1 and 2 threads; and with an infinite B, the NaN of 0·∞.
    @Test func aFewColumnedTransposedProductIsTheFusedSumInOrder() {
        var rng = SeededGenerator(seed: 94)
        for (m, k, n) in [(128, 128, 10), (40, 33, 3), (300, 7, 16), (17, 300, 1)] {
            let a = Self.random(k, m, &rng, zeroColumns: Set(stride(from: 0, to: m, by: 4)))   // relu's zeros
            var b = Self.random(k, n, &rng)
            if n > 2 { b[k / 2, 2] = .infinity }
            var fused = [Float](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s = s.addingProduct(a[p, i], b[p, j]) }
                fused[i * n + j] = s
            } }
            for threads in [1, 2] {
                let c = Kernels<Float>(threads: threads).matmul(a, b, transA: true)
                #expect(c.shape == Shape(m, n), "\(m)×\(k)×\(n)")
                #expect(zip(c.storage, fused).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) },
                        "\(m)×\(k)×\(n), \(threads) threads")
            }
            // Row 0 of Aᵀ is all zeros: against B's ∞ it makes NaN, as the dense sum does.
            if n > 2 { #expect(Kernels<Float>().matmul(a, b, transA: true)[0, 2].isNaN, "\(m)×\(k)×\(n)") }
        }
    }

    @Test func aNonFiniteBKeepsTheDenseSum() {
        var rng = SeededGenerator(seed: 93)
        let a = Self.random(16, 40, &rng, zeroColumns: [5])
        var b = Self.random(40, 8, &rng)
        b[5, 3] = .infinity   // row 5 of B meets only A's zero column 5: 0·∞ = NaN in the dense sum
        let c = Kernels<Float>().matmul(a, b)
        #expect((0..<16).allSatisfy { c[$0, 3].isNaN }, "0·∞ must make NaN, as the dense product does")
        #expect(c[0, 2].isFinite)
    }

    @Test func finitenessIsFoundAnywhere() {
        for count in [0, 1, 15, 16, 17, 100, 1000] {
            var v = [Float](repeating: 1.5, count: count)
            #expect(Matrix(rows: 1, cols: count, v).isFinite, "\(count) finite values")
            for bad in [Float.nan, .infinity, -.infinity] {
                for at in Set([0, count / 2, count - 1]) where count > 0 {
                    v[at] = bad
                    #expect(!Matrix(rows: 1, cols: count, v).isFinite, "\(bad) at \(at) of \(count)")
                    v[at] = -0.0
                }
            }
        }
        #expect(!Matrix<Double>(rows: 3, cols: 7) { i, j in i == 2 && j == 6 ? .nan : 1 }.isFinite)
    }

    /// A random MLP's forward values and gradients on the engine, with products on 1 and on 2
    /// threads: bit for bit the same.
    @Test func theEngineGivesTheSameBitsOnTwoThreads() throws {
        let text = """
            X = input()
            W1 = param(d, h)
            b1 = param(1, h)
            A1 = matmul(X, W1)
            U1 = add(A1, b1)
            H = relu(U1)
            W2 = param(h, k)
            U2 = matmul(H, W2)
            y = input()
            J_MLE = cross_entropy(U2, y)
            S = sqr(W1)
            s = sum(S)
            u = scale(s, λ)
            J = add(J_MLE, u)

            """
        let graph = try Graph(parsing: text)
        var rng = SeededGenerator(seed: 94)
        let (m, d, h, k) = (128, 200, 96, 10)
        var bindings = ["X": Self.random(m, d, &rng, zeroColumns: Set(0..<40)), "W1": Self.random(d, h, &rng),
                        "b1": Self.random(1, h, &rng), "W2": Self.random(h, k, &rng)]
        bindings["y"] = Matrix(rows: m, cols: 1) { i, _ in Float(i % k) }
        let engine = try Engine<Float>(graph: graph, constants: ["λ": 1e-3, "k": Float(k)])
        var results: [EngineState<Float>] = []
        for threads in [1, 2] {
            var s = try engine.start(bindings)
            try engine.run(&s, kernels: Kernels(threads: threads))
            results.append(s)
        }
        for (i, n) in graph.nodes.enumerated() {
            if let a = results[0].values[i] { #expect(a.bitwiseEqual(results[1].values[i]!), "\(n.name)") }
            if let a = results[0].grads[i] { #expect(a.bitwiseEqual(results[1].grads[i]!), "grad_\(n.name)") }
        }
        // And the one-shot backward pass gives the stepper's gradients.
        let grads = engine.backward(values: results[0].values, kernels: Kernels(threads: 2))
        for (i, n) in graph.nodes.enumerated() where results[0].grads[i] != nil {
            #expect(grads[i]!.bitwiseEqual(results[0].grads[i]!), "backward grad_\(n.name)")
        }
    }
}
