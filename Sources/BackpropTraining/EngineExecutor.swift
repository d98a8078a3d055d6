import BackpropCore
import BackpropData

/// Training on the general engine: any graph over X, y, W1, W2 and λ, one node at a time
/// (forward, then back-propagation from complete values), then `W ← W − ε ∇W J`.
public final class EngineExecutor<T: Real>: @unchecked Sendable {
    public let graph: Graph
    var engine: Engine<T>
    var w1: Matrix<T>, w2: Matrix<T>
    public let maxBatch: Int
    public var learningRate: T
    public var lambda: T {
        didSet { if let e = try? Engine<T>(graph: graph, constants: ["λ": lambda]) { engine = e } }
    }
    /// The node whose rows are the logits (the first input of a cross_entropy), if any, and that
    /// cross_entropy node (its value is J_MLE; without one J_MLE is reported as J).
    let logits: Int?
    let crossEntropy: Int?
    let ids: (W1: Int, W2: Int)

    public init(graph: Graph, W1: Matrix<T>, W2: Matrix<T>, maxBatch: Int, learningRate: T,
                lambda: T) throws(EvalError) {
        guard let i1 = graph.id("W1"), let i2 = graph.id("W2") else {
            throw .invalidValue(node: "graph", text: graph.nodes.last?.text ?? "",
                                message: "expected parameters W1, W2")
        }
        self.graph = graph; ids = (i1, i2)
        engine = try Engine(graph: graph, constants: ["λ": lambda])
        w1 = W1; w2 = W2; self.maxBatch = maxBatch; self.learningRate = learningRate; self.lambda = lambda
        crossEntropy = graph.nodes.firstIndex { $0.op == CrossEntropyOp.name }
        logits = crossEntropy.flatMap { graph.nodes[$0].inputs.first }.flatMap { graph.id($0) }
    }

    public var W1: [T] { get { w1.storage } set { w1 = Matrix(rows: w1.rows, cols: w1.cols, newValue) } }
    public var W2: [T] { get { w2.storage } set { w2 = Matrix(rows: w2.rows, cols: w2.cols, newValue) } }

    /// One update on examples `rows` of `data` (`next` is the fused trainer's prefetch; unused here).
    public func update(on data: Dataset, rows: ArraySlice<Int>,
                       next: ArraySlice<Int>) -> Result<FusedTrainer<T>.StepResult, EvalError> {
        let (X, y): (Matrix<T>, Matrix<T>) = data.matrix(rows: Array(rows))
        let s: EngineState<T>
        do throws(EvalError) {
            var t = try engine.start(["X": X, "y": y, "W1": w1, "W2": w2])
            try engine.run(&t, to: engine.forwardNodes.count)
            s = t
        } catch { return .failure(error) }
        let J = s.values[graph.loss]?.scalar ?? .nan
        let mle = crossEntropy.flatMap { s.values[$0]?.scalar } ?? J
        var result = FusedTrainer<T>.StepResult(J: J, JMLE: mle, nonFinite: nil)
        guard J.isFinite else { result.nonFinite = "J"; return .success(result) }
        let grads = engine.backward(values: s.values)
        guard let g1 = grads[ids.W1], let g2 = grads[ids.W2] else {
            return .failure(.invalidValue(node: "W1", text: "", message: "no gradient reaches W1 and W2"))
        }
        for (name, g) in [("∇W2 J", g2), ("∇W1 J", g1)] where !g.isFinite {
            result.nonFinite = name
            return .success(result)
        }
        SGD.update(&w1, gradient: g1, learningRate: learningRate)
        SGD.update(&w2, gradient: g2, learningRate: learningRate)
        return .success(result)
    }

    /// How many of examples `rows` the model classifies right; nil without logits (no cross_entropy).
    public func hits(on data: Dataset, rows: ArraySlice<Int>) -> Int? {
        guard let node = logits, let p = engine.forwardNodes.firstIndex(of: node) else { return nil }
        let (X, y): (Matrix<T>, Matrix<T>) = data.matrix(rows: Array(rows))
        guard var s = try? engine.start(["X": X, "y": y, "W1": w1, "W2": w2]), (try? engine.run(&s, to: p + 1)) != nil,
              let l = s.values[node], l.rows == rows.count else { return nil }
        var hits = 0
        for (i, e) in rows.enumerated() where Accuracy.argmax(l, row: i) == Int(data.labels[e]) { hits += 1 }
        return hits
    }
}
