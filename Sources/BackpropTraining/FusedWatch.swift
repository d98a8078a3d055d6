import BackpropCore
import BackpropData

/// Breakpoints on Figure 6.11's fused trainer. Each update is made as usual, in place, and
/// judged from what the fused step knows anyway; only an update where a breakpoint may hold is
/// made again on the engine, from the weights before it, and the engine's result stands (its
/// readings are exact, and it withholds an update whose breakpoint holds).
///
/// The weights before an update are got back by replay: a snapshot every `snapshotEvery` updates,
/// and the minibatches and rates since, which the fused trainer makes again to the same bits.
/// That costs one copy of the weights per `snapshotEvery` updates, where keeping every update's
/// new weights apart until judged cost a second W1 in cache (measured: docs/performance.md).
///
/// What it judges: `nonfinite` (J, U1, U2 and every gradient tile finite imply every tensor of the
/// step is; see `FusedTrainer.checksValues`), comparisons of J or J_MLE, and `norm(grad_W1)` or
/// `norm(grad_W2)`, whose squares the update sums tile by tile: in another order than the
/// engine's, so a norm within 0.1% of its threshold counts as one that may hold.
final class FusedWatch<T: Real>: @unchecked Sendable {
    /// One breakpoint as the fused step can judge it.
    enum Check {
        case nonfinite
        case J(TensorPredicate.Comparison, Double, mle: Bool)
        case gradientNorm(TensorPredicate.Comparison, Double, W1: Bool)
    }
    let trainer: FusedTrainer<T>
    let checks: [Check]
    /// The engine that makes the updates a check flags: made on first need (its threads too).
    let makeEngine: () -> EngineExecutor<T>?
    var engine: EngineExecutor<T>?
    /// Weights some updates ago, and the updates made since (minibatch and rates).
    var snapshot: [[T]]
    var since: [(rows: [Int], lr: T, lambda: T)] = []
    static var snapshotEvery: Int { 256 }

    init(trainer: FusedTrainer<T>, checks: [Check], makeEngine: @escaping () -> EngineExecutor<T>?) {
        self.trainer = trainer; self.checks = checks; self.makeEngine = makeEngine
        trainer.checksValues = true
        trainer.gradientSquares = checks.contains { if case .gradientNorm = $0 { true } else { false } }
        snapshot = [trainer.W1, trainer.W2]
    }

    /// The checks for `probes` on a graph of Figure 6.11's shape; nil when one of them cannot be
    /// judged this way, or one is a watch (whose readings every update wants from the engine).
    static func checks(_ probes: [TensorPredicate], stops: [Bool], graph: Graph) -> [Check]? {
        guard stops.allSatisfy({ $0 }) else { return nil }
        var out: [Check] = []
        for p in probes {
            switch p.kind {
            case .nonfinite: out.append(.nonfinite)
            case let .compare(nil, t, cmp, th) where !t.gradient && ["J", "J_MLE"].contains(graph.nodes[t.node].name):
                out.append(.J(cmp, th, mle: graph.nodes[t.node].name == "J_MLE"))
            // Below 1e-10 the squares' underflow in float32 could matter: the engine judges those.
            case let .compare(.norm?, t, cmp, th) where t.gradient && ["W1", "W2"].contains(graph.nodes[t.node].name)
                && Swift.abs(th) >= 1e-10:
                out.append(.gradientNorm(cmp, th, W1: graph.nodes[t.node].name == "W1"))
            default: return nil
            }
        }
        return out
    }

    /// The check's reading of a made update, and whether it may hold: holds, or is too close to tell.
    func judge(_ c: Check, _ r: FusedTrainer<T>.StepResult) -> (reading: Double?, mayHold: Bool) {
        func near(_ v: Double, _ th: Double) -> Bool {
            Swift.abs(v - th) <= 1e-3 * Swift.max(Swift.abs(v), Swift.abs(th))
        }
        switch c {
        case .nonfinite: return (nil, false)
        case let .J(cmp, th, mle):
            let v = Double(mle ? r.JMLE : r.J)
            return (v, cmp.holds(v, th) || near(v, th))
        case let .gradientNorm(cmp, th, w1):
            guard let s = r.gradientSquares else { return (nil, true) }
            let v = (w1 ? s.W1 : s.W2).squareRoot()
            return (v, !v.isFinite || cmp.holds(v, th) || near(v, th))
        }
    }

    /// One update: the fused step; if a check may hold or a value was not finite, the weights
    /// before it (replayed when the step made its update) and the engine's update from them.
    func update(on data: Dataset, rows: ArraySlice<Int>,
                next: ArraySlice<Int>) -> Result<FusedTrainer<T>.StepResult, EvalError> {
        let (lr, lambda) = (trainer.learningRate, trainer.lambda)
        var r = trainer.step(on: data, rows: rows, next: next)
        if r.nonFinite == nil {
            let judged = checks.map { judge($0, r) }
            if !judged.contains(where: \.mayHold) {
                r.readings = judged.map { .init(holds: false, value: $0.reading) }
                since.append((Array(rows), lr, lambda))
                if since.count >= Self.snapshotEvery { takeSnapshot() }
                return .success(r)
            }
        }
        if r.made { replay(on: data) }
        if engine == nil { engine = makeEngine() }
        guard let engine else { return .failure(.invalidValue(node: "J", text: "", message: "no engine")) }
        engine.params = params
        engine.learningRate = lr
        if engine.lambda != lambda { engine.lambda = lambda }
        let e = engine.update(on: data, rows: rows, next: next)
        if case .success(let s) = e, s.breakpoint == nil, s.nonFinite == nil { params = engine.params }
        takeSnapshot()
        return e
    }

    /// Back to the weights before the last step: the snapshot, then the updates since.
    func replay(on data: Dataset) {
        let (lr, lambda) = (trainer.learningRate, trainer.lambda)
        trainer.W1 = snapshot[0]; trainer.W2 = snapshot[1]
        for u in since {
            trainer.learningRate = u.lr; trainer.lambda = u.lambda
            _ = trainer.step(on: data, rows: u.rows[...], next: [])
        }
        trainer.learningRate = lr; trainer.lambda = lambda
    }

    func takeSnapshot() {
        snapshot = [trainer.W1, trainer.W2]
        since.removeAll(keepingCapacity: true)
    }

    /// The weights, in graph order (W1, W2); setting them starts a new snapshot.
    var params: [[T]] {
        get { [trainer.W1, trainer.W2] }
        set { trainer.W1 = newValue[0]; trainer.W2 = newValue[1]; takeSnapshot() }
    }
}
