@testable import BackpropCore
import BackpropData
import BackpropKernels
import Foundation
import Testing
@testable import BackpropTraining

/// The engine executor's update (the weight decay term added in its SGD pass, X read where the data
/// set keeps its bytes, the weights its last pass found finite not checked again) against the
/// engine stepped as the TUI steps it, then `SGD.update`: the same bits, the same readings.
@Suite struct EngineExecutorTests {
    static let names = GraphFilesTests.files.map(\.0) + ["mlp-784-256-128-10"]

    func graph(_ name: String) throws -> Graph {
        let dir = name.hasPrefix("mlp") ? GraphFilesTests.directory.deletingLastPathComponent()
            .appendingPathComponent("Benchmarks") : GraphFilesTests.directory
        return try Graph(parsing: String(contentsOf: dir.appendingPathComponent(name + ".txt"), encoding: .utf8))
    }

    /// Image-like data: bytes, half of them 0, as the data set keeps them, and the same examples as
    /// the numbers a gather makes of them (`T(byte) · byteScale`).
    static func images<T: Real>(_: T.Type, n: Int = 40, d: Int = 20, classes: Int = 3) -> (bytes: Dataset, numbers: Dataset) {
        var rng = SeededGenerator(seed: 5)
        let b = (0..<n * d).map { _ in rng.nextUnit() < 0.5 ? UInt8(0) : UInt8(rng.nextIndex(below: 256)) }
        let labels = (0..<n).map { _ in UInt8(rng.nextIndex(below: classes)) }
        let scale: T = Dataset.byteScale()
        let numbers: Dataset.Features = T.self == Float.self ? .floats(b.map { Float($0) * Float(scale) })
            : .doubles(b.map { Double($0) * Double(scale) })
        func set(_ f: Dataset.Features) -> Dataset {
            Dataset(name: "images", features: f, labels: labels, count: n, d: d, classes: classes, imageSide: nil,
                    digest: "")
        }
        return (set(.bytes(b)), set(numbers))
    }

    func parameters<T: Real>(_ g: Graph, _ data: Dataset, seed: UInt64) -> [(name: String, value: Matrix<T>)] {
        var rng = SeededGenerator(seed: seed)
        return g.parameterShapes(d: data.d, k: data.classes, h: 8).map { name, s in
            (name, Matrix(rows: s.rows, cols: s.cols, (0..<s.count).map { _ in T(rng.nextUnit() - 0.5) }))
        }
    }

    /// One update as the TUI makes it: every step of the engine on the training graph, then SGD.
    func reference<T: Real>(_ g: Graph, _ params: [(name: String, value: Matrix<T>)], _ data: Dataset, _ rows: [Int],
                            lr: T, lambda: T) throws -> (EngineState<T>, Engine<T>, [Matrix<T>]) {
        let fused = g.fusedForTraining()
        let e = try Engine<T>(graph: fused, constants: ["λ": lambda, "k": T(data.classes)])
        let (X, y): (Matrix<T>, Matrix<T>) = data.matrix(rows: rows)
        var b = ["X": X, "y": y]
        for p in params { b[p.name] = p.value }
        var s = try e.start(b)
        try e.run(&s)
        let next = params.map { p in
            var w = p.value
            SGD.update(&w, gradient: s.grads[fused.id(p.name)!]!, learningRate: lr)
            return w
        }
        return (s, e, next)
    }

    func check<T: Real>(_: T.Type, _ name: String, threads: Int) throws {
        let g = try graph(name)
        let (bytes, numbers) = Self.images(T.self)
        for data in [bytes, numbers] {
            var params: [(name: String, value: Matrix<T>)] = parameters(g, data, seed: 3)
            let lr: T = 0.5, lambda: T = 0.01
            let x = try EngineExecutor<T>(graph: g, parameters: params, classes: data.classes, maxBatch: 16,
                                          learningRate: lr, lambda: lambda, threads: threads)
            var rng = SeededGenerator(seed: 11)
            for update in 0..<6 {
                let rows = (0..<(update == 5 ? 7 : 16)).map { _ in rng.nextIndex(below: data.count) }
                // The oracle reads the numbers: with bytes, the executor's products read the bytes.
                let (s, e, next) = try reference(g, params, numbers, rows, lr: lr, lambda: lambda)
                guard case .success(let r) = x.update(on: data, rows: rows[...], next: []) else {
                    Issue.record("\(name): update failed"); return
                }
                #expect(r.nonFinite == nil && r.breakpoint == nil)
                // J too: from the second update on, the weight decay's sums of squares are the last pass's.
                #expect(r.J.bitPattern == s.values[e.graph.loss]!.scalar.bitPattern,
                        "\(name) \(T.self) \(threads) threads, J of update \(update)")
                for (i, p) in params.enumerated() {
                    #expect(Matrix(rows: p.value.rows, cols: p.value.cols, x.params[i]) == next[i],
                            "\(name) \(T.self) \(threads) threads, \(p.name), update \(update)")
                    params[i].value = next[i]
                }
            }
            #expect(x.decays.compactMap { $0 }.count == g.nodes.filter { $0.op == SqrOp.name }.count,
                    "\(name): every weight decay term is left to the pass")
            // The pass summed the squares of the new weights where a sumsq reads them and they come in
            // rows of 32 (the benchmark model's W1 and W2), the bits of `sumsq` of them.
            for (i, p) in x.values.enumerated() {
                let squared = x.graph.uses[x.ids[i]].contains { x.graph.nodes[$0].op == SumSqOp.name }
                let summed = squared && p.value.cols % 32 == 0
                #expect((x.knownSquares[i] != nil) == summed, "\(name) \(p.name)")
                if let known = x.knownSquares[i] {
                    #expect(known.bitPattern == SumSqOp.forward([p.value], []).scalar.bitPattern, "\(name) \(p.name)")
                }
            }
            if name.hasPrefix("mlp") { #expect(x.knownSquares.compactMap { $0 }.count == 2) }
        }
    }

    @Test(arguments: names, [1, 2])
    func theUpdateIsTheEnginesStepThenSGD(_ name: String, threads: Int) throws {
        try check(Float.self, name, threads: threads)
        try check(Double.self, name, threads: threads)
    }

    /// Probes read the gradients whole: a norm the pass summed, another statistic of a gradient whose
    /// decay term the pass adds, `nonfinite`: the readings of the engine's own gradients, bit for bit.
    /// A breakpoint that holds withholds the update; one that does not leaves it as without probes.
    @Test func probesReadTheWholeGradients() throws {
        let g = try graph("mlp-784-256-128-10")
        let (bytes, numbers) = Self.images(Float.self)
        let params: [(name: String, value: Matrix<Float>)] = parameters(g, bytes, seed: 4)
        let rows = Array(0..<16)
        let (s, e, next) = try reference(g, params, numbers, rows, lr: 0.5, lambda: 0.01)
        for (texts, holds) in [(["nonfinite", "norm(grad_W1) > 1e9", "max(grad_W2) > 1e9", "norm(grad_b1) > 1e9",
                                 "norm(grad_W3) < 0"], false),
                               (["norm(grad_W1) > 0"], true)] {
            let x = try EngineExecutor<Float>(graph: g, parameters: params, classes: 3, maxBatch: 16, learningRate: 0.5,
                                              lambda: 0.01)
            x.probes = try texts.map { try TensorPredicate($0, graph: x.graph) }
            x.stops = texts.map { _ in true }
            guard case .success(let r) = x.update(on: bytes, rows: rows[...], next: []) else {
                Issue.record("update failed"); return
            }
            let expected = x.probes.map { $0.reading(values: s.values, grads: s.grads) }
            #expect(r.readings == expected, "\(texts)")
            #expect(e.graph == x.graph)
            #expect((r.breakpoint != nil) == holds)
            for i in params.indices {
                let now = Matrix(rows: params[i].value.rows, cols: params[i].value.cols, x.params[i])
                #expect(now == (holds ? params[i].value : next[i]), "\(texts) \(params[i].name)")
            }
        }
    }

    /// The engine leaves a decay term to the update only where adding it last gives its own bits:
    /// two terms (either order), or the decay's the last of more.
    @Test func decayIsDeferredOnlyWhereTheBitsAllow() throws {
        let text = """
            X = input()
            W = param(d, d)
            A = matmul(X, W)
            B = matmul(A, W)
            V = param(d, k)
            C = matmul(B, V)
            y = input()
            J_MLE = cross_entropy(C, y)
            S = sqr(W)
            s = sum(S)
            T = sqr(V)
            t = sum(T)
            u = add(s, t)
            v = scale(u, λ)
            J = add(J_MLE, v)
            """
        let g = try Graph(parsing: text).fusingSumsOfSquares()
        let e = try Engine<Double>(graph: g, constants: ["λ": 0.1, "k": 3])
        // W has three terms (two products and the decay), the decay's first: the engine must add it.
        #expect(e.deferrableDecay(of: g.id("W")!) == nil)
        let v = try #require(e.deferrableDecay(of: g.id("V")!))
        #expect(g.nodes[v.node].op == SumSqOp.name && g.nodes[v.node].inputs == ["V"])
        let mlp = try graph("mlp-784-256-128-10").fusingSumsOfSquares()
        let m = try Engine<Double>(graph: mlp, constants: ["λ": 0.1, "k": 10])
        for p in ["W1", "W2", "W3"] { #expect(m.deferrableDecay(of: mlp.id(p)!) != nil, "\(p)") }
        for p in ["b1", "b2", "b3"] { #expect(m.deferrableDecay(of: mlp.id(p)!) == nil, "\(p)") }
    }

    /// The squares of the new weights that `Update.step` sums by blocks fold to `Reduce.sumOfSquares`
    /// of them, bit for bit, over one and several blocks of rows, with every variant of the pass; the
    /// weights and the other stats are those of the pass without them.
    @Test func theUpdatePassSumsTheNewWeightsSquares() {
        func check<T: Real>(_: T.Type, rows: Int, cols: Int, seed: UInt64) {
            var rng = SeededGenerator(seed: seed)
            let n = rows * cols
            let w = (0..<n).map { _ in T(rng.nextUnit() - 0.5) }, g = (0..<n).map { _ in T(rng.nextUnit() - 0.5) }
            for decay in [T(0.07), nil] as [T?] {
                for squares in [true, false] {
                    var plain = [T](repeating: .nan, count: n), out = plain
                    var sums = [T](repeating: .nan, count: Reduce.scratchCount(rows: rows, cols: cols))
                    let a = T.updateStep(out: &plain, w, g, n, decay: decay, lr: 0.3, squares: squares, newSquares: nil)
                    let b = sums.withUnsafeMutableBufferPointer { p in
                        T.updateStep(out: &out, w, g, n, decay: decay, lr: 0.3, squares: squares,
                                     newSquares: NewSquares(partials: p.baseAddress!, cols: cols))
                    }
                    let what = "\(T.self) \(rows)×\(cols) decay \(String(describing: decay)) squares \(squares)"
                    #expect(a == b && out.map(\.bitPattern) == plain.map(\.bitPattern), "\(what)")
                    let folded = sums.withUnsafeMutableBufferPointer { T.foldBlocks($0.baseAddress!, rows: rows, cols: cols) }
                    var scratch = [T](repeating: 0, count: Reduce.scratchCount(rows: rows, cols: cols))
                    let direct = T.sumOfSquares(out, rows: rows, cols: cols, scratch: &scratch)
                    #expect(folded.bitPattern == direct.bitPattern, "\(what): \(folded) against \(direct)")
                }
            }
        }
        check(Float.self, rows: 1, cols: 32, seed: 1)
        check(Float.self, rows: 300, cols: 64, seed: 2)
        check(Float.self, rows: 784, cols: 256, seed: 3)
        check(Double.self, rows: 129, cols: 32, seed: 4)
        check(Double.self, rows: 260, cols: 96, seed: 5)
    }

    /// `Update.step` against the scalar rules: the gradient `g + (2w)·s` (or g), `w − ε g`, its
    /// finiteness and the new weights', and Σg² as `TensorHealth.sumOfSquares` sums it.
    @Test(arguments: [0, 1, 31, 32, 33, 1000 + 7])
    func theUpdatePassIsTheScalarRules(_ n: Int) {
        var rng = SeededGenerator(seed: UInt64(n) + 1)
        let w = (0..<n).map { _ in Float(rng.nextUnit() - 0.5) }, g = (0..<n).map { _ in Float(rng.nextUnit() - 0.5) }
        let lr: Float = 0.3, s: Float = 0.07
        for decay in [s, nil] as [Float?] {
            var out = [Float](repeating: .nan, count: n)
            let stats = out.withUnsafeMutableBufferPointer { o in
                w.withUnsafeBufferPointer { wp in
                    g.withUnsafeBufferPointer { gp in
                        n == 0 ? UpdateStats() : Update.step(out: o.baseAddress!, wp.baseAddress!, gp.baseAddress!, n,
                                                             decay: decay, lr: lr, squares: true)
                    }
                }
            }
            let grads = (0..<n).map { i in decay.map { g[i] + (2 * w[i]) * $0 } ?? g[i] }
            #expect(out.map(\.bitPattern) == (0..<n).map { (w[$0] - lr * grads[$0]).bitPattern })
            #expect(stats.gradientsFinite && stats.weightsFinite)
            if n > 0 {
                #expect(stats.gradientSquares?.bitPattern
                        == TensorHealth.sumOfSquares(Matrix(rows: 1, cols: n, grads)).bitPattern)
            }
            // And in Double (8 lanes a vector where Float has 16).
            let wd = w.map { Double($0) * 1.1 }, gd = g.map { Double($0) * 0.9 }
            var outd = [Double](repeating: .nan, count: n)
            let sd = n == 0 ? UpdateStats() : Update.step(out: &outd, wd, gd, n, decay: decay.map(Double.init), lr: 0.3,
                                                         squares: true)
            let gradsd = (0..<n).map { i in decay.map { gd[i] + (2 * wd[i]) * Double($0) } ?? gd[i] }
            #expect(outd.map(\.bitPattern) == (0..<n).map { (wd[$0] - 0.3 * gradsd[$0]).bitPattern })
            if n > 0 {
                #expect(sd.gradientSquares?.bitPattern
                        == TensorHealth.sumOfSquares(Matrix(rows: 1, cols: n, gradsd)).bitPattern)
            }
        }
        guard n > 0 else { return }
        // A gradient that is not finite, and weights that leave float's range.
        for (wi, gi, gradOK, weightOK) in [(Float(1), Float.nan, false, false), (Float(3e38), Float(-3e38), true, false),
                                           (Float(1), Float.infinity, false, false)] {
            var w2 = w, g2 = g, out = [Float](repeating: 0, count: n)
            w2[n - 1] = wi; g2[n / 2] = gi
            if n / 2 != n - 1 { g2[n - 1] = gi }
            let stats = Update.step(out: &out, w2, g2, n, decay: nil, lr: 1, squares: false)
            #expect(stats.gradientsFinite == gradOK && stats.weightsFinite == weightOK, "\(wi) \(gi)")
        }
    }
}
