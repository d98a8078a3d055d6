import BackpropCore
import BackpropData

/// Training on the general engine: any graph over X, y, its parameters and λ, one node at a time
/// (forward, then back-propagation from complete values), then `W ← W − ε ∇W J` for each parameter.
public final class EngineExecutor<T: Real>: @unchecked Sendable {
    /// The graph it runs: the one given, with `sum(sqr(W))` fused (`Graph.fusingSumsOfSquares`).
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

    /// Conditions read after every update's backward pass, before the update (breakpoints and
    /// watches), on this executor's graph; `stops`: which of them stop training when they hold.
    var probes: [TensorPredicate] = []
    var stops: [Bool] = []

    /// `fuse`: sums of squares (weight decay) in one pass each, the same bits as the graph as
    /// written; off when a probe reads a node that the fusion removes.
    public init(graph: Graph, parameters: [(name: String, value: Matrix<T>)], classes: Int, maxBatch: Int,
                learningRate: T, lambda: T, threads: Int = 1, fuse: Bool = true) throws(EvalError) {
        let graph = fuse ? graph.fusingSumsOfSquares() : graph
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
        crossEntropy = graph.nodes.firstIndex { $0.op == CrossEntropyOp.name }
        // The logits: cross_entropy's first input, else the output an mse compares with one_hot(y, k).
        let mse = graph.nodes.first { n in
            n.op == MSEOp.name && n.inputs.count == 2 && graph[n.inputs[1]]?.op == OneHotOp.name
        }
        logits = (crossEntropy.map { graph.nodes[$0] } ?? mse)?.inputs.first.flatMap { graph.id($0) }
    }

    /// The parameters' values, row-major, in graph order.
    public var params: [[T]] {
        get { values.map(\.value.storage) }
        set {
            for i in values.indices {
                values[i].value = Matrix(rows: values[i].value.rows, cols: values[i].value.cols, newValue[i])
            }
        }
    }

    func bindings(_ X: Matrix<T>, _ y: Matrix<T>) -> [String: Matrix<T>] {
        var b = ["X": X, "y": y]
        for p in values { b[p.name] = p.value }
        return b
    }

    /// One update on examples `rows` of `data` (`next` is the fused trainer's prefetch; unused here).
    public func update(on data: Dataset, rows: ArraySlice<Int>,
                       next: ArraySlice<Int>) -> Result<FusedTrainer<T>.StepResult, EvalError> {
        // The forward values, which share the parameters' storage, are gone once `gradients`
        // returns: the update then writes in place rather than copying every parameter.
        let (result, gs): (FusedTrainer<T>.StepResult, [Matrix<T>]?)
        switch gradients(on: data, rows: rows) {
        case .failure(let e): return .failure(e)
        case .success(let r): (result, gs) = r
        }
        guard let gs else { return .success(result) }
        for i in values.indices { SGD.update(&values[i].value, gradient: gs[i], learningRate: learningRate) }
        return .success(result)
    }

    /// J, J_MLE and every parameter's gradient on examples `rows`; no gradients when J or one of
    /// them is not finite (the update is all or nothing), with the first such in `nonFinite`.
    func gradients(on data: Dataset, rows: ArraySlice<Int>)
        -> Result<(FusedTrainer<T>.StepResult, [Matrix<T>]?), EvalError> {
        let (X, y): (Matrix<T>, Matrix<T>) = data.matrix(rows: Array(rows))
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
        guard J.isFinite || !probes.isEmpty else { result.nonFinite = "J"; return .success((result, nil)) }
        let grads = engine.backward(values: s.values, kernels: kernels)
        if !probes.isEmpty {
            // Labels are finite, and images (bytes) too.
            var known = Set<Int>()
            if let y = graph.id("y") { known.insert(y) }
            if let x = graph.id("X"), data.withFeatureBytes({ $0 != nil }) { known.insert(x) }
            // (On the caller's thread: shared with the workers through the pool, the passes cost
            // more than they saved; measured in docs/performance.md.)
            result.readings = TensorPredicate.readings(probes, values: s.values, grads: grads, graph: graph,
                                                       known: known)
            if let i = result.readings.indices.first(where: { stops[$0] && result.readings[$0].holds }) {
                result.breakpoint = i
                return .success((result, nil))
            }
            guard J.isFinite else { result.nonFinite = "J"; return .success((result, nil)) }
        }
        var gs: [Matrix<T>] = []
        for (p, id) in zip(values, ids) {
            guard let g = grads[id] else {
                return .failure(.invalidValue(node: p.name, text: "", message: "no gradient reaches \(p.name)"))
            }
            gs.append(g)
        }
        // A `nonfinite` probe that did not hold has shown every gradient finite already.
        let allFinite = zip(probes, result.readings).contains { $0.kind == .nonfinite && !$1.holds }
        for (p, g) in zip(values, gs).reversed() where !allFinite && !g.isFinite {
            result.nonFinite = "∇\(p.name) J"
            return .success((result, nil))
        }
        return .success((result, gs))
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
