import BackpropCore
import BackpropData
import BackpropKernels

/// Training on the general engine: any graph over X, y, its parameters and λ, one node at a time
/// (forward, then back-propagation from complete values), then `W ← W − ε ∇W J` for each parameter.
public final class EngineExecutor<T: Real>: @unchecked Sendable {
    /// The graph it runs: the one given, or with `sum(sqr(W))` and relu(add(A, B)) fused
    /// (`Graph.fusedForTraining`).
    public let graph: Graph
    var engine: Engine<T>
    /// The parameters by name, in graph order, and their node ids.
    var values: [(name: String, value: Matrix<T>)]
    let ids: [Int]
    public let maxBatch: Int
    /// Where the products run: the run's threads and packing buffers, kept between updates.
    let kernels: Kernels<T>
    /// The classes (the constant k of `one_hot(y, k)`).
    let classes: T
    public var learningRate: T
    public var lambda: T {
        didSet { if let e = try? Engine<T>(graph: graph, constants: ["λ": lambda, "k": classes]) { engine = e } }
    }
    /// The node whose rows are the logits (the first input of a cross_entropy, or of an mse against
    /// one_hot(y, k)), if any, and the cross_entropy
    /// cross_entropy node (its value is J_MLE; without one J_MLE is reported as J).
    let logits: Int?
    let crossEntropy: Int?

    /// Per parameter, the `sumsq` node whose term of its gradient (weight decay) the update pass
    /// adds, and whether back-propagation adds it first (`Engine.deferrableDecay`); those nodes.
    let decays: [(node: Int, first: Bool)?]
    let deferred: Set<Int>
    /// Where each update's pass writes the new weights: swapped with the parameters' storage when
    /// the update is made, so that one withheld leaves them as they were.
    var spares: [[T]]
    /// The minibatch's X and y, kept between updates (see `minibatch`).
    var batchX = Matrix<T>(rows: 0, cols: 0), batchY = Matrix<T>(rows: 0, cols: 0)
    /// X's node, and whether every node that reads X is a product that reads it as its first
    /// factor (which packs it, and can pack bytes: `Kernels.byteMatrix`), so that no float X is needed.
    let xID: Int?
    let xOnlyMultiplied: Bool
    /// Where the minibatch's rows lie in the data set's bytes, when X is read there (`maxBatch` of them).
    let rowTable: UnsafeMutablePointer<UnsafePointer<UInt8>>
    /// Whether every parameter is known finite: checked when the weights are set, then by each
    /// update's pass; the products then skip their own check (`Kernels.vouchedFinite`).
    var weightsFinite: Bool
    /// Per parameter that a `sumsq` reads, in whole rows of 32 (W1 and W2's shapes, not W3's 10
    /// columns: `Reduce`'s order in the pass), where the update's pass sums the squares of its new
    /// weights for the next update's `sumsq` (`Kernels.knownSumsOfSquares`); empty for the others.
    /// Those sums, for its weights and for its spare buffer's.
    var squareSums: [[T]]
    var knownSquares: [T?], spareSquares: [T?]

    /// Conditions read after every update's backward pass, before the update (breakpoints and
    /// watches), on this executor's graph; `stops`: which of them stop training when they hold.
    var probes: [TensorPredicate] = []
    var stops: [Bool] = []

    /// `fuse`: sums of squares (weight decay) and bias adds with relu in one pass each, the same bits
    /// as the graph as written (`Graph.fusedForTraining`); off when the caller fused it already, or
    /// a probe reads a node that the fusion removes.
    public init(graph: Graph, parameters: [(name: String, value: Matrix<T>)], classes: Int, maxBatch: Int,
                learningRate: T, lambda: T, threads: Int = 1, fuse: Bool = true) throws(EvalError) {
        let graph = fuse ? graph.fusedForTraining() : graph
        var ids: [Int] = []
        for p in parameters {
            guard let id = graph.id(p.name) else {
                throw .invalidValue(node: p.name, text: graph.nodes.last?.text ?? "", message: "no such parameter")
            }
            ids.append(id)
        }
        self.graph = graph; self.ids = ids; values = parameters; self.classes = T(classes)
        engine = try Engine(graph: graph, constants: ["λ": lambda, "k": T(classes)])
        kernels = Kernels(threads: threads)
        self.maxBatch = maxBatch; self.learningRate = learningRate; self.lambda = lambda
        let e = engine
        let x = graph.id("X")
        xID = x
        xOnlyMultiplied = x.map { x in
            graph.uses[x].allSatisfy { v in
                graph.nodes[v].op == MatMulOp.name && graph.inputIndices[v].first == x
                    && graph.inputIndices[v].dropFirst().allSatisfy { $0 != x }
            }
        } ?? false
        rowTable = .allocate(capacity: max(maxBatch, 1))
        decays = ids.map { e.deferrableDecay(of: $0) }
        deferred = Set(decays.compactMap { $0?.node })
        spares = parameters.map { [T](repeating: 0, count: $0.value.count) }
        weightsFinite = parameters.allSatisfy { $0.value.isFinite }
        squareSums = zip(ids, parameters).map { id, p in
            let squared = graph.uses[id].contains { graph.nodes[$0].op == SumSqOp.name }
            let (rows, cols) = (p.value.rows, p.value.cols)
            return squared && rows * cols > 0 && cols % 32 == 0
                ? [T](repeating: 0, count: Reduce.scratchCount(rows: rows, cols: cols)) : []
        }
        knownSquares = parameters.map { _ in nil }
        spareSquares = knownSquares
        crossEntropy = graph.nodes.firstIndex { $0.op == CrossEntropyOp.name }
        // The logits: cross_entropy's first input, else the output an mse compares with one_hot(y, k).
        let mse = graph.nodes.first { n in
            n.op == MSEOp.name && n.inputs.count == 2 && graph[n.inputs[1]]?.op == OneHotOp.name
        }
        logits = (crossEntropy.map { graph.nodes[$0] } ?? mse)?.inputs.first.flatMap { graph.id($0) }
    }

    deinit { rowTable.deallocate() }

    /// The parameters' values, row-major, in graph order.
    public var params: [[T]] {
        get { values.map(\.value.storage) }
        set {
            for i in values.indices {
                values[i].value = Matrix(rows: values[i].value.rows, cols: values[i].value.cols, newValue[i])
            }
            weightsFinite = values.allSatisfy { $0.value.isFinite }
            knownSquares = values.map { _ in nil }
        }
    }

    func bindings(_ X: Matrix<T>, _ y: Matrix<T>) -> [String: Matrix<T>] {
        var b = ["X": X, "y": y]
        for p in values { b[p.name] = p.value }
        return b
    }

    /// One update on examples `rows` of `data`; `next`, the next update's, is fetched into the cache.
    ///
    /// The update is all or nothing: none when J or a gradient is not finite (the first such in
    /// `nonFinite`), or when a breakpoint holds. Each parameter's new weights are made in one pass
    /// into a spare buffer (`Update.step`), with the weight decay term of its gradient that
    /// back-propagation left to it (`Engine.deferrableDecay`), and swapped in only when all are good.
    public func update(on data: Dataset, rows: ArraySlice<Int>,
                       next: ArraySlice<Int>) -> Result<FusedTrainer<T>.StepResult, EvalError> {
        data.withFeatureBytes { update(on: data, rows: rows, next: next, images: $0) }
    }

    /// `update` with the data set's images (its bytes, when it keeps them so).
    func update(on data: Dataset, rows: ArraySlice<Int>, next: ArraySlice<Int>,
                images: UnsafePointer<UInt8>?) -> Result<FusedTrainer<T>.StepResult, EvalError> {
        // X is read where the data set keeps it when only products read it (see `xOnlyMultiplied`).
        let bytes = images.flatMap { i in
            xOnlyMultiplied && rows.count <= maxBatch && !probes.contains(where: { Self.compares($0, valueOf: xID) })
                ? i : nil
        }
        let (X, y) = minibatch(data, rows, images: bytes)
        data.prefetch(next)
        // What the last update's pass found finite, the products need not check again.
        // (Closures, not key paths, here and below: a key path is instantiated at run time on every
        // call, ~1% of an update.)
        kernels.vouchedFinite = weightsFinite ? Set(values.compactMap { $0.value.address }) : []
        // The sums of squares of the weights that the last update's pass made, `sumsq` need not make again.
        for (p, s) in zip(values, knownSquares) {
            if let s, let a = p.value.address { kernels.knownSumsOfSquares[a] = s }
        }
        defer { kernels.vouchedFinite = []; kernels.byteMatrix = nil; kernels.knownSumsOfSquares = [:] }
        let s: EngineState<T>
        do throws(EvalError) {
            var t = try engine.start(bindings(X, y))
            try engine.run(&t, to: engine.forwardNodes.count, kernels: kernels)
            s = t
        } catch { return .failure(error) }
        let J = s.values[graph.loss]?.scalar ?? .nan
        let mle = crossEntropy.flatMap { s.values[$0]?.scalar } ?? J
        var result = FusedTrainer<T>.StepResult(J: J, JMLE: mle, nonFinite: nil)
        // With probes, back-propagation runs whatever J is: a predicate may read any gradient.
        guard J.isFinite || !probes.isEmpty else { result.nonFinite = "J"; return .success(result) }
        var grads = engine.backward(values: s.values, kernels: kernels, deferring: deferred)
        var gs: [Matrix<T>] = []
        for (p, id) in zip(values, ids) {
            guard let g = grads[id] else {
                return .failure(.invalidValue(node: p.name, text: "", message: "no gradient reaches \(p.name)"))
            }
            gs.append(g)
        }
        // The norms probes read of gradients whose decay term is left to the pass: summed by it.
        let summed = probes.isEmpty ? [] : Set(values.indices.filter { i in
            decays[i] != nil && probes.contains { Self.compares($0, gradientOf: ids[i], norm: true) }
        })
        let stats = values.indices.map { i in
            pass(i, gs[i], decay: decays[i].map { grads[$0.node]!.scalar }, squares: summed.contains(i))
        }
        if !probes.isEmpty {
            // A gradient whose decay term the pass added is whole only there: it is made whole for a
            // probe that reads more of it than its norm, and when not finite (for `nonfinite` to find).
            var knownGrads = Set<Int>(), norms: [Int: Double] = [:]
            for i in values.indices {
                guard let d = decays[i] else { continue }
                let id = ids[i]
                let readsMore = probes.contains { Self.compares($0, gradientOf: id, norm: false) }
                if !stats[i].gradientsFinite || readsMore {
                    grads[id] = engine.completing(gs[i], decay: d.node, first: d.first, incoming: grads[d.node]!,
                                                  values: s.values, kernels: kernels)
                } else {
                    knownGrads.insert(id)
                    if let q = stats[i].gradientSquares { norms[id] = q }
                }
            }
            // Labels are finite, and images (bytes) too, and the weights the products were vouched.
            var known = Set<Int>()
            if let y = graph.id("y") { known.insert(y) }
            if let x = graph.id("X"), data.withFeatureBytes({ $0 != nil }) { known.insert(x) }
            if weightsFinite { known.formUnion(ids) }
            // (On the caller's thread: shared with the workers through the pool, the passes cost
            // more than they saved; measured in docs/performance.md.)
            result.readings = TensorPredicate.readings(probes, values: s.values, grads: grads, graph: graph,
                                                       known: known, knownGrads: knownGrads, gradNormSquares: norms)
            if let i = result.readings.indices.first(where: { stops[$0] && result.readings[$0].holds }) {
                result.breakpoint = i
                return .success(result)
            }
            guard J.isFinite else { result.nonFinite = "J"; return .success(result) }
        }
        if let bad = values.indices.last(where: { !stats[$0].gradientsFinite }) {
            result.nonFinite = "∇\(values[bad].name) J"
            return .success(result)
        }
        for i in values.indices { swap(&values[i].value.storage, &spares[i]) }
        knownSquares = spareSquares
        weightsFinite = stats.allSatisfy { $0.weightsFinite }
        return .success(result)
    }

    /// Parameter i's new weights into its spare buffer (see `update`), and the sum of their squares
    /// when a `sumsq` reads it (`spareSquares`).
    func pass(_ i: Int, _ g: Matrix<T>, decay: T?, squares: Bool) -> UpdateStats {
        let n = values[i].value.count, rows = values[i].value.rows, cols = values[i].value.cols
        if spares[i].count != n { spares[i] = [T](repeating: 0, count: n) }
        let summing = !squareSums[i].isEmpty
        let lr = learningRate
        let stats = spares[i].withUnsafeMutableBufferPointer { out in
            values[i].value.storage.withUnsafeBufferPointer { w in
                g.storage.withUnsafeBufferPointer { gp in
                    squareSums[i].withUnsafeMutableBufferPointer { sums in
                        guard let o = out.baseAddress, let wb = w.baseAddress, let gb = gp.baseAddress else {
                            return UpdateStats()
                        }
                        let into = summing ? sums.baseAddress.map { NewSquares(partials: $0, cols: cols) } : nil
                        return T.updateStep(out: o, wb, gb, n, decay: decay, lr: lr, squares: squares, newSquares: into)
                    }
                }
            }
        }
        spareSquares[i] = summing ? squareSums[i].withUnsafeMutableBufferPointer { s in
            T.foldBlocks(s.baseAddress!, rows: rows, cols: cols)
        } : nil
        return stats
    }

    /// Examples `rows` of `data` as X and y, gathered into the buffers of the last minibatch (not
    /// allocated and zeroed each update: no one else holds them once an update has returned).
    /// With `images`, X is not gathered: the products read the examples' bytes where they lie
    /// (`Kernels.byteMatrix`), and X's own storage stands for them unwritten.
    func minibatch(_ data: Dataset, _ rows: ArraySlice<Int>,
                   images: UnsafePointer<UInt8>?) -> (Matrix<T>, Matrix<T>) {
        let m = rows.count
        if batchX.rows != m || batchX.cols != data.d {
            batchX = Matrix(rows: m, cols: data.d); batchY = Matrix(rows: m, cols: 1)
        }
        if let images, let x = batchX.address {
            for (i, e) in rows.enumerated() { rowTable[i] = images + e * data.d }
            batchY.storage.withUnsafeMutableBufferPointer { data.gatherLabels(rows, y: $0.baseAddress!) }
            kernels.byteMatrix = (x, ByteRows(rows: rowTable, scale: Dataset.byteScale(), transposed: false))
            return (batchX, batchY)
        }
        batchX.storage.withUnsafeMutableBufferPointer { x in
            batchY.storage.withUnsafeMutableBufferPointer { data.gather(rows, into: x, labels: $0) }
        }
        return (batchX, batchY)
    }

    /// Whether `p` compares a statistic of node's value.
    static func compares(_ p: TensorPredicate, valueOf node: Int?) -> Bool {
        guard case let .compare(_, target, _, _) = p.kind else { return false }
        return !target.gradient && target.node == node
    }

    /// Whether `p` compares the norm of ∇node J (`norm`), or another statistic of it.
    static func compares(_ p: TensorPredicate, gradientOf node: Int, norm: Bool) -> Bool {
        guard case let .compare(stat, target, _, _) = p.kind, target.gradient, target.node == node else { return false }
        return (stat == .norm) == norm
    }

    /// How many of examples `rows` the model classifies right; nil without logits (no cross_entropy).
    public func hits(on data: Dataset, rows: ArraySlice<Int>) -> Int? {
        guard let node = logits, let p = engine.forwardNodes.firstIndex(of: node) else { return nil }
        let (X, y): (Matrix<T>, Matrix<T>) = data.matrix(rows: Array(rows))
        guard var s = try? engine.start(bindings(X, y)), (try? engine.run(&s, to: p + 1, kernels: kernels)) != nil,
              let l = s.values[node], l.rows == rows.count else { return nil }
        var hits = 0
        for (i, e) in rows.enumerated() where Accuracy.argmax(l, row: i) == Int(data.labels[e]) { hits += 1 }
        return hits
    }
}
